CREATE TABLE `inline_blobs` (
	`id` text PRIMARY KEY NOT NULL,
	`data` blob NOT NULL,
	`stored_at` integer NOT NULL
);
