import type { Settings } from '../../../../core/settings/model.ts';
import { megabytes } from '../../../../views/pages/compose/shared.tsx';
import type { Strings } from '../../../../views/strings/index.ts';
import type { MultipartLimits, MultipartRefused } from '../../multipart.ts';

/** A typed message up to a megabyte; files are what carry bulk. */
const MAX_FIELD_BYTES = 1024 * 1024;
/** Enough for every checkbox of a full address book. */
const MAX_FIELDS = 1_000;

/** What a recipient's form with files may carry: the council's file limits, text aside. */
export function uploadLimitsFor(settings: Settings): MultipartLimits {
  return {
    maxFiles: settings.maxAttachments,
    maxTotalBytes: settings.maxTotalBytes,
    maxFieldBytes: MAX_FIELD_BYTES,
    maxFields: MAX_FIELDS,
  };
}

/**
 * The one sentence for each refused upload, keyed by the field it belongs to: the same
 * words on "Write a message", Reply, Reply all and Forward.
 */
export function uploadRefusalText(
  strings: Strings,
  settings: Settings,
  refusal: Pick<MultipartRefused, 'reason'>,
): Record<string, string> {
  const p = strings.compose.problems;
  switch (refusal.reason) {
    case 'too-many-files':
      return { attachments: p.tooManyFiles(settings.maxAttachments) };
    case 'too-large':
      return { attachments: p.tooLarge(megabytes(settings.maxTotalBytes)) };
    case 'field-too-large':
    case 'too-many-fields':
      return { body: p.fieldTooLarge };
    default:
      return { _: p.unreadable };
  }
}
