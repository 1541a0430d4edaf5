CREATE TABLE "inline_blobs" (
	"id" text PRIMARY KEY NOT NULL,
	"data" "bytea" NOT NULL,
	"stored_at" timestamp with time zone NOT NULL
);
