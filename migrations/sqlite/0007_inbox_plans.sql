DROP INDEX `deliveries_recipient_access_idx`;--> statement-breakpoint
DROP INDEX `deliveries_inbox_count_idx`;--> statement-breakpoint
CREATE INDEX `deliveries_inbox_count_idx` ON `deliveries` (`recipient_id`,`access_ends_at`,`hidden_at`,`revoked_at`) WHERE "deliveries"."hidden_at" is null and "deliveries"."revoked_at" is null;--> statement-breakpoint
DROP INDEX `messages_sender_created_idx`;--> statement-breakpoint
CREATE INDEX `messages_sender_sent_idx` ON `messages` (`sender_id`,`created_at`,`id`);