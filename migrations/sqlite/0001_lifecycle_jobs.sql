CREATE TABLE `blob_deletions` (
	`blob_id` text PRIMARY KEY NOT NULL,
	`queued_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `blob_deletions_queued_idx` ON `blob_deletions` (`queued_at`,`blob_id`);--> statement-breakpoint
CREATE INDEX `deliveries_access_ends_at_idx` ON `deliveries` (`access_ends_at`);