CREATE TABLE "blob_chunks" (
	"upload_id" text NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"written_at" timestamp with time zone NOT NULL,
	CONSTRAINT "blob_chunks_upload_id_seq_pk" PRIMARY KEY("upload_id","seq")
);
--> statement-breakpoint
CREATE TABLE "blobs" (
	"id" text PRIMARY KEY NOT NULL,
	"upload_id" text NOT NULL,
	"size" bigint NOT NULL,
	"chunk_count" integer NOT NULL,
	"stored_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "blob_chunks_written_at_idx" ON "blob_chunks" USING btree ("written_at");--> statement-breakpoint
CREATE UNIQUE INDEX "blobs_upload_id_unique" ON "blobs" USING btree ("upload_id");--> statement-breakpoint
CREATE INDEX "blobs_id_c_idx" ON "blobs" USING btree ("id" collate "C");