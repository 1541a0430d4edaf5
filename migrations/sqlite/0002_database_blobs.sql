CREATE TABLE `blob_chunks` (
	`upload_id` text NOT NULL,
	`seq` integer NOT NULL,
	`data` blob NOT NULL,
	`written_at` integer NOT NULL,
	PRIMARY KEY(`upload_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `blob_chunks_written_at_idx` ON `blob_chunks` (`written_at`);--> statement-breakpoint
CREATE TABLE `blobs` (
	`id` text PRIMARY KEY NOT NULL,
	`upload_id` text NOT NULL,
	`size` integer NOT NULL,
	`chunk_count` integer NOT NULL,
	`stored_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `blobs_upload_id_unique` ON `blobs` (`upload_id`);