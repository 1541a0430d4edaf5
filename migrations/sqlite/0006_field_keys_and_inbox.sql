CREATE TABLE `field_keys` (
	`id` text PRIMARY KEY NOT NULL,
	`wrapped` blob NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rate_limit_hits` (
	`bucket` text NOT NULL,
	`hit_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limit_hits_bucket_idx` ON `rate_limit_hits` (`bucket`,`hit_at`);--> statement-breakpoint
ALTER TABLE `deliveries` ADD `sent_at` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `deliveries` SET `sent_at` = (SELECT `created_at` FROM `messages` WHERE `messages`.`id` = `deliveries`.`message_id`);--> statement-breakpoint
CREATE INDEX `deliveries_inbox_idx` ON `deliveries` (`recipient_id`,`sent_at`,`message_id`,`id`,`access_ends_at`,`hidden_at`,`revoked_at`);--> statement-breakpoint
CREATE INDEX `deliveries_inbox_count_idx` ON `deliveries` (`recipient_id`,`access_ends_at`) WHERE "deliveries"."hidden_at" is null and "deliveries"."revoked_at" is null;