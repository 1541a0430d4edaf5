import type { LifecycleDeps } from '../../core/lifecycle/deps.ts';
import type { SubjectDeps } from '../../core/subjects/deps.ts';
import { mailTemplates } from '../../views/mail/templates.ts';
import type { Sealpost } from '../compose.ts';
import { htmlSafety } from '../html/sanitise-html.ts';
import { mailComposerEml } from '../subjects/eml-writer.ts';

/** The parts of the composed app the lifecycle jobs use. */
export type JobsApp = Pick<
  Sealpost,
  | 'config'
  | 'logger'
  | 'storage'
  | 'blobs'
  | 'cipher'
  | 'ids'
  | 'clock'
  | 'secrets'
  | 'settings'
  | 'mailer'
>;

/** The parts of the composed app the data-subject use cases use. */
export type SubjectsApp = Pick<
  Sealpost,
  'storage' | 'cipher' | 'blobs' | 'ids' | 'clock' | 'secrets'
>;

/**
 * The lifecycle jobs' dependencies from the composed app, with the settings in force
 * now. `withMailer` lets housekeeping retry the outbox itself: for `sealpost jobs run`
 * on a machine without a server; inside `serve`, the outbox worker already does it.
 */
export async function lifecycleDepsFrom(
  app: JobsApp,
  options: { withMailer: boolean },
): Promise<LifecycleDeps> {
  return {
    storage: app.storage,
    blobs: app.blobs,
    cipher: app.cipher,
    ids: app.ids,
    clock: app.clock,
    secrets: app.secrets,
    settings: await app.settings.get(),
    publicUrl: app.config.publicUrl.replace(/\/+$/, ''),
    unretrievedNotice: mailTemplates.unretrieved,
    ...(options.withMailer ? { mailer: app.mailer } : {}),
    logger: app.logger,
    htmlSafety,
  };
}

/** The data-subject use cases' dependencies from the composed app. */
export function subjectDepsFrom(app: SubjectsApp): SubjectDeps {
  return {
    storage: app.storage,
    cipher: app.cipher,
    blobs: app.blobs,
    ids: app.ids,
    clock: app.clock,
    secrets: app.secrets,
    eml: mailComposerEml(),
  };
}
