import { UTM_PARAMETERS } from '@leadflow/shared/web-forms';
import { knownCountryCodes, type FieldError, type ResolvedField, type SubmissionBody } from './web-form-fields.ts';
import type { FormTexts } from './web-form-texts.ts';

/** The hidden context a page carries to its submission. */
export type PageContext = {
  token: string;
  embed: boolean;
  page: string;
  ref: string;
  utm: Partial<Record<(typeof UTM_PARAMETERS)[number], string>>;
};

export type FormPage = {
  publicId: string;
  title: string | null;
  intro: string | null;
  name: string;
  fields: ResolvedField[];
  consentText: string | null;
  submitLabel: string | null;
  defaultCountry: string;
};

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Plain text with its line breaks kept. */
const paragraphs = (s: string) =>
  s
    .split(/\n{2,}/)
    .map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`)
    .join('');

const STYLE = `
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1a1b1e;--muted:#5c5f66;--border:#adb5bd;--field:#ffffff;--accent:#1864ab;--accent-fg:#ffffff;--error:#c92a2a;--error-bg:#fff5f5;--focus:#4dabf7}
@media (prefers-color-scheme:dark){:root{--bg:#1a1b1e;--fg:#e9ecef;--muted:#a6a7ab;--border:#5c5f66;--field:#25262b;--accent:#4dabf7;--accent-fg:#0b1b2b;--error:#ffa8a8;--error-bg:#2c1a1a;--focus:#74c0fc}}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
body.embed{background:transparent}
main{max-width:560px;margin:0 auto;padding:24px 16px 32px}
body.embed main{padding:4px 4px 8px}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 8px}
.intro{color:var(--muted);margin:0 0 16px}
.intro p{margin:0 0 8px}
.field{margin:0 0 16px}
label,.label{display:block;font-weight:600;margin:0 0 4px}
.req{color:var(--error);margin-left:2px}
.sr{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);white-space:nowrap;border:0}
input[type=text],input[type=email],input[type=tel],input[type=url],input[type=date],input[type=number],select,textarea{display:block;width:100%;font:inherit;color:inherit;background:var(--field);border:1px solid var(--border);border-radius:6px;padding:10px 12px;min-height:44px}
textarea{min-height:120px;resize:vertical}
input:focus,select:focus,textarea:focus,button:focus{outline:3px solid var(--focus);outline-offset:1px}
.check{display:flex;gap:10px;align-items:flex-start;font-weight:400}
.check input{width:22px;height:22px;margin:2px 0 0;flex:none}
[aria-invalid=true]{border-color:var(--error)!important;border-width:2px!important}
.error{color:var(--error);font-size:.9rem;margin:4px 0 0}
.summary{border:2px solid var(--error);background:var(--error-bg);border-radius:6px;padding:12px 16px;margin:0 0 16px}
.summary:focus{outline:3px solid var(--focus)}
.summary p{margin:0 0 4px;font-weight:600}
.summary ul{margin:0;padding-left:20px}
.summary a{color:var(--error)}
.hp{position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden}
button{font:inherit;font-weight:600;color:var(--accent-fg);background:var(--accent);border:0;border-radius:6px;padding:12px 20px;min-height:44px;width:100%;cursor:pointer}
button[disabled]{opacity:.7;cursor:progress}
.done{font-size:1.125rem}
a{color:var(--accent)}
@media (min-width:480px){button{width:auto}}
`;

/**
 * Reports its height to the embedding page (the body's, since scrollHeight never drops below the frame's own), blocks
 * double submissions and passes a redirect up to the page.
 */
const SCRIPT = `(function(){
var root=document.documentElement,id=root.getAttribute('data-form'),embedded=window.parent!==window;
function post(m){if(!embedded)return;m.source='leadflow-form';m.form=id;try{window.parent.postMessage(m,'*')}catch(e){}}
function size(){post({type:'resize',height:Math.ceil(document.body.getBoundingClientRect().height)})}
if(embedded){if(window.ResizeObserver)new ResizeObserver(size).observe(document.body);window.addEventListener('load',size);size()}
var form=document.querySelector('form');
if(form)form.addEventListener('submit',function(){var b=form.querySelector('button[type=submit]');if(b)setTimeout(function(){b.disabled=true},0)});
var summary=document.getElementById('errors');if(summary)summary.focus();
var to=root.getAttribute('data-redirect');
if(to){post({type:'redirect',url:to});if(!embedded){window.location.replace(to)}else{try{window.top.location.href=to}catch(e){}}}
})();`;

function htmlDocument(opts: { texts: FormTexts; title: string; nonce: string; embed: boolean; publicId: string; body: string; redirect?: string | undefined }): string {
  const redirect = opts.redirect ? ` data-redirect="${escapeHtml(opts.redirect)}"` : '';
  return `<!doctype html>
<html lang="${opts.texts.lang}" data-form="${escapeHtml(opts.publicId)}"${redirect}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(opts.title)}</title>
<style nonce="${opts.nonce}">${STYLE}</style>
</head>
<body${opts.embed ? ' class="embed"' : ''}>
<main>
${opts.body}
</main>
<script nonce="${opts.nonce}">${SCRIPT}</script>
</body>
</html>`;
}

const inputId = (key: string) => `f-${key.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

function valueOf(values: SubmissionBody, key: string): string {
  const raw = values[key];
  if (raw === undefined || raw === null) return '';
  return Array.isArray(raw) ? (raw[0] ?? '') : String(raw);
}

function countryOptions(locale: string): { value: string; label: string }[] {
  let names: Intl.DisplayNames | null = null;
  try {
    names = new Intl.DisplayNames([locale], { type: 'region' });
  } catch {
    names = null;
  }
  const collator = new Intl.Collator(locale);
  return knownCountryCodes()
    .map((code) => {
      let label = code;
      try {
        label = names?.of(code) ?? code;
      } catch {
        label = code;
      }
      return { value: code, label };
    })
    .sort((a, b) => collator.compare(a.label, b.label));
}

function renderField(field: ResolvedField, values: SubmissionBody, error: string | undefined, texts: FormTexts, defaultCountry: string): string {
  const id = inputId(field.key);
  const name = escapeHtml(field.key);
  const errorId = `${id}-error`;
  const aria = `${field.required ? ' required aria-required="true"' : ''}${error ? ` aria-invalid="true" aria-describedby="${errorId}"` : ''}`;
  const requiredMark = field.required ? `<span class="req" aria-hidden="true">*</span><span class="sr"> (${texts.required})</span>` : '';
  const errorHtml = error ? `<p class="error" id="${errorId}">${escapeHtml(error)}</p>` : '';
  const value = valueOf(values, field.key);
  const placeholder = field.placeholder ? ` placeholder="${escapeHtml(field.placeholder)}"` : '';
  const autocomplete = field.autocomplete ? ` autocomplete="${field.autocomplete}"` : '';

  if (field.kind === 'boolean') {
    const checked = values[field.key] === true || ['on', 'true', '1', 'yes'].includes(value.toLowerCase()) ? ' checked' : '';
    return `<div class="field"><label class="check" for="${id}"><input type="checkbox" id="${id}" name="${name}" value="on"${checked}${aria}><span>${escapeHtml(field.label)}${requiredMark}</span></label>${errorHtml}</div>`;
  }
  const label = `<label for="${id}">${escapeHtml(field.label)}${requiredMark}</label>`;
  if (field.kind === 'select' || field.kind === 'country') {
    const options = field.kind === 'country' ? countryOptions(texts.lang) : field.options.map((o) => ({ value: o.value, label: o.label }));
    const selected = value || (field.kind === 'country' ? defaultCountry : '');
    const list = options
      .map((o) => `<option value="${escapeHtml(o.value)}"${o.value === selected ? ' selected' : ''}>${escapeHtml(o.label)}</option>`)
      .join('');
    return `<div class="field">${label}<select id="${id}" name="${name}"${autocomplete}${aria}><option value="">${escapeHtml(texts.choose)}</option>${list}</select>${errorHtml}</div>`;
  }
  if (field.kind === 'long_text') {
    return `<div class="field">${label}<textarea id="${id}" name="${name}" maxlength="${field.maxLength}"${placeholder}${aria}>${escapeHtml(value)}</textarea>${errorHtml}</div>`;
  }
  const type = { email: 'email', phone: 'tel', url: 'url', date: 'date', number: 'text', money: 'text', text: 'text' }[field.kind];
  // Numbers stay text inputs with a numeric keyboard: type=number rejects "1.500,50" before we can read it.
  const inputmode = field.kind === 'number' || field.kind === 'money' ? ' inputmode="decimal"' : '';
  return `<div class="field">${label}<input type="${type}" id="${id}" name="${name}" value="${escapeHtml(value)}" maxlength="${field.maxLength}"${inputmode}${placeholder}${autocomplete}${aria}>${errorHtml}</div>`;
}

/** The form itself: fields, consent, the honeypot, the hidden context, and any errors of the last try. */
export function renderFormPage(
  form: FormPage,
  ctx: PageContext,
  texts: FormTexts,
  nonce: string,
  values: SubmissionBody = {},
  errors: FieldError[] = [],
): string {
  const errorOf = new Map(errors.map((e) => [e.field, e.message]));
  const heading = form.title ? `<h1>${escapeHtml(form.title)}</h1>` : '';
  const intro = form.intro ? `<div class="intro">${paragraphs(form.intro)}</div>` : '';
  const labelOf = (field: string) => form.fields.find((f) => f.key === field)?.label ?? form.consentText ?? field;
  const summary = errors.length
    ? `<div class="summary" id="errors" tabindex="-1" role="alert"><p>${escapeHtml(texts.errorSummary)}</p><ul>${errors
        .map((e) => `<li><a href="#${e.field === 'consent' ? 'f-consent' : inputId(e.field)}">${escapeHtml(labelOf(e.field))}: ${escapeHtml(e.message)}</a></li>`)
        .join('')}</ul></div>`
    : '';
  const hidden = [
    ['_token', ctx.token],
    ['_embed', ctx.embed ? '1' : ''],
    ['_page', ctx.page],
    ['_ref', ctx.ref],
    ...UTM_PARAMETERS.flatMap((k) => (ctx.utm[k] ? [[k, ctx.utm[k]!]] : [])),
  ]
    .map(([k, v]) => `<input type="hidden" name="${k}" value="${escapeHtml(v!)}">`)
    .join('');
  const consentError = errorOf.get('consent');
  const consent = form.consentText
    ? `<div class="field"><label class="check" for="f-consent"><input type="checkbox" id="f-consent" name="consent" value="on" required aria-required="true"${
        values.consent !== undefined && values.consent !== '' && values.consent !== false ? ' checked' : ''
      }${consentError ? ' aria-invalid="true" aria-describedby="f-consent-error"' : ''}><span>${escapeHtml(form.consentText)}<span class="req" aria-hidden="true">*</span><span class="sr"> (${texts.required})</span></span></label>${
        consentError ? `<p class="error" id="f-consent-error">${escapeHtml(consentError)}</p>` : ''
      }</div>`
    : '';
  // Off-screen and out of the tab order: people never fill it, form-filling bots do.
  const honeypot = `<div class="hp" aria-hidden="true"><label for="f-website">Website</label><input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off"></div>`;
  const body = `${heading}${intro}${summary}
<form method="post" action="/f/${escapeHtml(form.publicId)}" novalidate>
${hidden}${honeypot}
${form.fields.map((f) => renderField(f, values, errorOf.get(f.key), texts, form.defaultCountry)).join('\n')}
${consent}
<button type="submit">${escapeHtml(form.submitLabel ?? texts.submit)}</button>
</form>`;
  return htmlDocument({ texts, title: form.title ?? form.name, nonce, embed: ctx.embed, publicId: form.publicId, body });
}

/** A page with a single message: thank you, closed, slow down. */
export function renderMessagePage(opts: {
  texts: FormTexts;
  title: string;
  heading?: string | undefined;
  message: string;
  nonce: string;
  embed: boolean;
  publicId: string;
  redirect?: string | undefined;
}): string {
  const link = opts.redirect ? `<p><a href="${escapeHtml(opts.redirect)}" target="_top">${escapeHtml(opts.texts.continueLink)}</a></p>` : '';
  const heading = opts.heading ? `<h1>${escapeHtml(opts.heading)}</h1>` : '';
  const body = `${heading}<div class="done" role="status">${paragraphs(opts.message)}</div>${link}`;
  return htmlDocument({ texts: opts.texts, title: opts.title, nonce: opts.nonce, embed: opts.embed, publicId: opts.publicId, body, redirect: opts.redirect });
}

/** The embed script: puts a frame of the form where the script tag is, passing the page's address and UTM tags. */
export function renderEmbedScript(opts: { baseUrl: string; publicId: string; title: string }): string {
  const base = JSON.stringify(opts.baseUrl);
  const origin = JSON.stringify(new URL(opts.baseUrl).origin);
  return `/* LeadFlow web form ${opts.publicId} */
(function(){
var s=document.currentScript;if(!s||!s.parentNode)return;
var base=${base},origin=${origin},id=${JSON.stringify(opts.publicId)},utm=${JSON.stringify(UTM_PARAMETERS)};
var q=new URLSearchParams(window.location.search);
var p=new URLSearchParams();p.set('embed','1');p.set('page',window.location.href.slice(0,2000));if(document.referrer)p.set('ref',document.referrer.slice(0,2000));
utm.forEach(function(k){var v=q.get(k);if(v)p.set(k,v.slice(0,200))});
var f=document.createElement('iframe');
f.src=base+'/f/'+encodeURIComponent(id)+'?'+p.toString();
f.title=${JSON.stringify(opts.title)};
f.style.cssText='display:block;width:100%;height:560px;border:0;overflow:hidden';
f.setAttribute('data-leadflow-form',id);
s.parentNode.insertBefore(f,s.nextSibling);
window.addEventListener('message',function(e){
if(e.origin!==origin||e.source!==f.contentWindow)return;
var d=e.data;if(!d||d.source!=='leadflow-form'||d.form!==id)return;
if(d.type==='resize'&&typeof d.height==='number'&&d.height>0)f.style.height=Math.min(Math.ceil(d.height),20000)+'px';
if(d.type==='redirect'&&typeof d.url==='string'&&/^https?:\\/\\//.test(d.url))window.location.href=d.url;
});
})();
`;
}

/** Snippets for the admin to paste, as the settings page shows them. */
export function embedSnippets(baseUrl: string, publicId: string, title: string): { script: string; iframe: string } {
  return {
    script: `<script src="${baseUrl}/f/${publicId}/embed.js" async></script>`,
    iframe: `<iframe src="${baseUrl}/f/${publicId}?embed=1" title="${escapeHtml(title)}" style="width:100%;height:640px;border:0" loading="lazy"></iframe>`,
  };
}
