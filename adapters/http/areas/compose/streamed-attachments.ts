import type { OutgoingAttachment } from '../../../../core/messages/send-message.ts';
import type { MultipartFile, MultipartPart } from '../../multipart.ts';

/**
 * The files of an upload as `sendMessage` takes them: one at a time, each streaming from
 * the request straight into encryption, none held whole. The next part is read only when
 * `sendMessage` asks for the next file, so a refusal (the file after the limit, a byte
 * over the total) surfaces there, and `sendMessage` cleans up what it had stored. Only
 * the form's `attachments` input counts; any other file part is skipped unread.
 */
export async function* streamedAttachments(
  parts: AsyncIterator<MultipartPart>,
  first: MultipartFile,
): AsyncGenerator<OutgoingAttachment, void, undefined> {
  let part: MultipartPart | null = first;
  while (part) {
    if (part.kind === 'file' && part.name === 'attachments') {
      yield { name: part.filename, contentType: part.contentType, content: part.content };
    }
    const next = await parts.next();
    part = next.done ? null : next.value;
  }
}
