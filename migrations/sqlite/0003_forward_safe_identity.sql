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
CREATE INDEX `deliveries_forwarded_by_idx` ON `deliveries` (`forwarded_by_id`,`created_at`);--> statement-breakpoint
-- Forwards made before this version become private too: their audit events say who forwarded which copy from which.
UPDATE `deliveries` SET `forwarded_from_id` = (SELECT json_extract(`a`.`details`, '$.fromDeliveryId') FROM `audit_events` `a` WHERE `a`.`action` = 'message.forward' AND `a`.`target_id` = `deliveries`.`id` LIMIT 1), `forwarded_by_id` = (SELECT `a`.`actor_id` FROM `audit_events` `a` WHERE `a`.`action` = 'message.forward' AND `a`.`target_id` = `deliveries`.`id` LIMIT 1) WHERE `forwarded_from_id` IS NULL AND EXISTS (SELECT 1 FROM `audit_events` `a` WHERE `a`.`action` = 'message.forward' AND `a`.`target_id` = `deliveries`.`id`);--> statement-breakpoint
-- Copies made by granting a forward outside the council: the granted request names the address and the forwarder.
UPDATE `deliveries` SET `forwarded_from_id` = (SELECT `r`.`delivery_id` FROM `access_requests` `r` WHERE `r`.`kind` = 'forward' AND `r`.`status` = 'granted' AND `r`.`message_id` = `deliveries`.`message_id` AND lower(`r`.`forward_to_email`) = lower(`deliveries`.`recipient_email`) AND `deliveries`.`created_at` >= `r`.`decided_at` LIMIT 1), `forwarded_by_id` = (SELECT `r`.`requester_id` FROM `access_requests` `r` WHERE `r`.`kind` = 'forward' AND `r`.`status` = 'granted' AND `r`.`message_id` = `deliveries`.`message_id` AND lower(`r`.`forward_to_email`) = lower(`deliveries`.`recipient_email`) AND `deliveries`.`created_at` >= `r`.`decided_at` LIMIT 1) WHERE `forwarded_from_id` IS NULL AND EXISTS (SELECT 1 FROM `access_requests` `r` WHERE `r`.`kind` = 'forward' AND `r`.`status` = 'granted' AND `r`.`message_id` = `deliveries`.`message_id` AND lower(`r`.`forward_to_email`) = lower(`deliveries`.`recipient_email`) AND `deliveries`.`created_at` >= `r`.`decided_at`);
