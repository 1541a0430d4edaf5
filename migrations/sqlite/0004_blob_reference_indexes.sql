CREATE INDEX `attachments_blob_idx` ON `attachments` (`blob_id`);--> statement-breakpoint
CREATE INDEX `messages_body_blob_idx` ON `messages` (`body_blob_id`);