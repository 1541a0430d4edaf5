import type { Child } from 'hono/jsx';
import { classes } from './field.tsx';
import { safeHref } from './safe-href.ts';

/**
 * A GOV.UK button: a real `<button>` in a form (the default, `type="submit"`), or a
 * link styled as a button when given `href` (for "Start" or "Continue" that only
 * navigate). Secondary for lesser actions, warning for destructive ones.
 */
export function Button(props: {
  children?: Child;
  variant?: 'primary' | 'secondary' | 'warning' | 'inverse';
  type?: 'submit' | 'button' | 'reset';
  name?: string;
  value?: string;
  href?: string;
  /** For a button outside its form, e.g. in a table row. */
  form?: string;
  class?: string;
}) {
  const className = classes(
    'govuk-button',
    props.variant && props.variant !== 'primary' && `govuk-button--${props.variant}`,
    props.class,
  );
  if (props.href !== undefined) {
    return (
      // No role="button": GOV.UK's script makes Space press such a link, and Sealpost
      // does not ship it, so the link is announced as what it does: a link.
      <a href={safeHref(props.href)} draggable={false} class={className} data-module="govuk-button">
        {props.children}
      </a>
    );
  }
  return (
    <button
      type={props.type ?? 'submit'}
      name={props.name}
      value={props.value}
      form={props.form}
      class={className}
      data-module="govuk-button"
    >
      {props.children}
    </button>
  );
}

/** Lays out a button and a link (or two buttons) side by side, as GOV.UK does. */
export function ButtonGroup(props: { children?: Child }) {
  return <div class="govuk-button-group">{props.children}</div>;
}
