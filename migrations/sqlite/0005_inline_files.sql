ALTER TABLE `attachments` ADD `inline` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `messages_unsafe_html_idx` ON `messages` (`id`) WHERE "messages"."body_format" = 'html';