CREATE TABLE `passkeys` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`credential_id` text NOT NULL,
	`public_key` blob NOT NULL,
	`counter` integer NOT NULL,
	`transports` text NOT NULL,
	`device_type` text NOT NULL,
	`backed_up` integer NOT NULL,
	`name` text NOT NULL,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	FOREIGN KEY (`account_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `passkeys_credential_id_unique` ON `passkeys` (`credential_id`);--> statement-breakpoint
CREATE INDEX `passkeys_account_idx` ON `passkeys` (`account_id`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `sso_subject` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `passkey_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX `accounts_sso_subject_unique` ON `accounts` (`sso_subject`);--> statement-breakpoint
ALTER TABLE `messages` ADD `second_factor_required` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `second_factor_at` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `sso_checked_at` integer;--> statement-breakpoint
ALTER TABLE `sessions` ADD `sso_refresh_enc` blob;--> statement-breakpoint
-- A second factor for all staff is the default for new installations only: one that
-- already has staff keeps asking admins alone until its admin turns it on (decision 0029).
INSERT INTO `settings` (`key`, `value`) SELECT 'staffSecondFactor', '"admins"' WHERE EXISTS (SELECT 1 FROM `accounts` WHERE `kind` = 'staff') AND NOT EXISTS (SELECT 1 FROM `settings` WHERE `key` = 'staffSecondFactor');
