CREATE TABLE "email_codes" (
	"id" text PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"email" text NOT NULL,
	"email_key" text NOT NULL,
	"subject_id" text NOT NULL,
	"code_hash" text NOT NULL,
	"attempts" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "access_requests" ADD COLUMN "reason_enc" "bytea";--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "forwarded_from_id" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "forwarded_by_id" text;--> statement-breakpoint
CREATE INDEX "email_codes_address_idx" ON "email_codes" USING btree ("email_key","created_at");--> statement-breakpoint
CREATE INDEX "email_codes_expires_at_idx" ON "email_codes" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "deliveries_forwarded_by_idx" ON "deliveries" USING btree ("forwarded_by_id","created_at");--> statement-breakpoint
-- Forwards made before this version become private too: their audit events say who forwarded which copy from which.
UPDATE "deliveries" AS "d" SET "forwarded_from_id" = "a"."details"->>'fromDeliveryId', "forwarded_by_id" = "a"."actor_id" FROM "audit_events" AS "a" WHERE "a"."action" = 'message.forward' AND "a"."target_id" = "d"."id" AND "d"."forwarded_from_id" IS NULL;--> statement-breakpoint
-- Copies made by granting a forward outside the council: the granted request names the address and the forwarder.
UPDATE "deliveries" AS "d" SET "forwarded_from_id" = "r"."delivery_id", "forwarded_by_id" = "r"."requester_id" FROM "access_requests" AS "r" WHERE "r"."kind" = 'forward' AND "r"."status" = 'granted' AND "r"."message_id" = "d"."message_id" AND lower("r"."forward_to_email") = lower("d"."recipient_email") AND "d"."created_at" >= "r"."decided_at" AND "d"."forwarded_from_id" IS NULL;
