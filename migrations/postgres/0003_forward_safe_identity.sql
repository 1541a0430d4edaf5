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
CREATE INDEX "deliveries_forwarded_by_idx" ON "deliveries" USING btree ("forwarded_by_id","created_at");