CREATE TABLE `email_codes` (
	`id` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`email` text NOT NULL,
	`email_key` text NOT NULL,
	`subject_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`attempts` integer NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`used_at` integer
);
--> statement-breakpoint
CREATE INDEX `email_codes_address_idx` ON `email_codes` (`email_key`,`created_at`);--> statement-breakpoint
CREATE INDEX `email_codes_expires_at_idx` ON `email_codes` (`expires_at`);--> statement-breakpoint
ALTER TABLE `access_requests` ADD `reason_enc` blob;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `forwarded_from_id` text;--> statement-breakpoint
ALTER TABLE `deliveries` ADD `forwarded_by_id` text;--> statement-breakpoint
CREATE INDEX `deliveries_forwarded_by_idx` ON `deliveries` (`forwarded_by_id`,`created_at`);