/** The text of `sealpost help`. */
export const HELP_TEXT = `sealpost - self-hosted secure messaging portal

Usage: sealpost <command> [flags]

Commands:
  serve [--print-links]      Run the web portal (the default command); --print-links also prints
                             each emailed link (a credential) for a first look without mail
  migrate                    Apply database migrations and exit
  admin create --email E --name N
                             Create a staff admin and print a one-time link to set a password
  send --from E --to E [--to E ...] [--cc E ...] --subject S
       [--body-file F | < body] [--attach FILE ...] [--read-only] [--expires-days N]
       [--second-factor]
                             Send a secure message from a staff account; prints its id;
                             --second-factor: recipients must use a second factor to open it
  gateway                    Run the SMTP gateway alone (GATEWAY=on runs it inside serve)
  jobs run NAME [--batch-size N] [--pause-ms N] [--stale-draft-days N]
                             Run a lifecycle job now: access-expiry, retention-purge,
                             unretrieved-notice or housekeeping (JOBS=off stops only the timers)
  jobs list [--job NAME] [--limit N]
                             Show recent job runs with their counts and durations
  audit verify [--anchor SEQ:HASH]
                             Check the audit trail's hash chain; names the first broken link
  audit export --format csv|jsonl --out FILE [--from DATE] [--to DATE]
       [--actor EMAIL|ID] [--target ID]
                             Write the audit trail, or part of it, to a new file
  subject export --email E --out DIR
                             Write everything held about a person to a new folder (a SAR)
  subject erase --email E [--dry-run]
                             Erase a person's account and data (legal holds are kept)
  hold set|clear --message ID | --email E
                             Place or lift a legal hold on a message, or on everything a
                             person sent or received: no job or erasure deletes it meanwhile
  doctor                     Check the installation and say how to fix what is wrong: settings,
                             database and schema, keys (decrypting a sample), the data folder,
                             file modes, mail server, clamd, PUBLIC_URL, DKIM. Changes nothing;
                             exit 1 when a check finds a problem
  keys list | rotate | reencrypt | export-public [--out F] | export-secret --out F
                             Manage the org key: list, make a new primary, rewrite old
                             blobs under it, export for recovery (docs/admin/keys.md)
  backup --out DIR           Back up the database and blobs, with a manifest of checksums,
                             into a new folder (the keys are NOT included: back them up apart)
  restore --from DIR [--force]
                             Check a backup, then restore it into the configured empty
                             database and DATA_DIR (--force replaces what is there)
  migrate-data --to postgres://... [--blobs-to-database]
                             Copy everything from the SQLite database into a new, empty
                             PostgreSQL database (and the blobs too, with the flag)
  migrate-data --blobs-from fs|database|azure-blob
                             Copy every blob from that store into BLOB_STORE's (the
                             database is left alone; docs/admin/azure-blob.md)
  strings export --lang cy [--area A] [--untranslated] [--out FILE]
                             Write the Welsh catalogue as a GNU gettext PO file for
                             translators (docs/i18n.md)
  strings import --lang cy --file FILE
                             Check a reviewed PO file and merge it into the catalogue
  strings check --lang cy    List strings still shown in English; exit 1 if any
  help                       Show this text

Configuration comes from environment variables (and an optional .env file);
see README.md for the full table.
`;
