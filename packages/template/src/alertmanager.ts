// Alertmanager 0.25's notification templating (template/template.go): the Data passed to
// templates, its KV/Pairs/Alerts helpers, default.tmpl + email.tmpl, and tmplText/tmplHTML.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { alertStatus, compareUtf8 } from '@phoenix-alerting/core';
import type { Notification } from '@phoenix-alerting/core';
import { alertmanagerDefaultTmpl, alertmanagerEmailTmpl } from './default-templates.js';
import { TemplateError } from './errors.js';
import type { TemplateLimits } from './limits.js';
import { goFunc } from './func-spec.js';
import type { GoFuncSpec } from './func-spec.js';
import { GoTime } from './go-time.js';
import { matchString, mustCompile, replaceAllString } from './go-regexp-funcs.js';
import { SafeHTML } from './html-escape.js';
import { isEmptyTemplateText } from './parse.js';
import { TemplateSet } from './template-set.js';
import { GoMap, GoStruct, StringSlice } from './values.js';

function stringSlice(values: readonly string[]): StringSlice {
  const slice = new StringSlice();
  slice.push(...values);
  return slice;
}

/** A key/value string pair (`.Name`, `.Value`). */
export class Pair extends GoStruct {
  constructor(
    readonly Name: string,
    readonly Value: string,
  ) {
    super();
  }
  goType(): string {
    return 'template.Pair';
  }
  goFields(): readonly string[] {
    return ['Name', 'Value'];
  }
}

/** A list of pairs with `.Names` and `.Values`. */
export class Pairs extends Array<Pair> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  goType(): string {
    return 'template.Pairs';
  }
  Names(): StringSlice {
    return stringSlice(this.map((pair) => pair.Name));
  }
  Values(): StringSlice {
    return stringSlice(this.map((pair) => pair.Value));
  }
}

/** Alertmanager's KV (`map[string]string`) with `.SortedPairs`, `.Names`, `.Values`, `.Remove`. */
export class KV extends GoMap<string> {
  constructor(record: Readonly<Record<string, string>> = {}) {
    super(new Map(Object.entries(record)), 'template.KV', '');
  }
  /** Sorted by name, with `alertname` first. */
  SortedPairs(): Pairs {
    const keys = [...this.entries.keys()];
    const rest = keys.filter((key) => key !== 'alertname').sort(compareUtf8);
    const ordered = keys.includes('alertname') ? ['alertname', ...rest] : rest;
    const pairs = new Pairs();
    for (const key of ordered) pairs.push(new Pair(key, this.entries.get(key)!));
    return pairs;
  }
  Remove(keys: readonly string[] | null): KV {
    const drop = new Set(keys ?? []);
    return new KV(Object.fromEntries([...this.entries].filter(([key]) => !drop.has(key))));
  }
  Names(): StringSlice {
    return this.SortedPairs().Names();
  }
  Values(): StringSlice {
    return this.SortedPairs().Values();
  }
  toJSON(): Record<string, string> {
    return Object.fromEntries(this.entries);
  }
}

/** One alert as notification templates see it. */
export class AlertmanagerAlert extends GoStruct {
  constructor(
    readonly Status: 'firing' | 'resolved' | string,
    readonly Labels: KV,
    readonly Annotations: KV,
    readonly StartsAt: GoTime,
    readonly EndsAt: GoTime,
    readonly GeneratorURL: string,
    readonly Fingerprint: string,
  ) {
    super();
  }
  goType(): string {
    return 'template.Alert';
  }
  goFields(): readonly string[] {
    return ['Status', 'Labels', 'Annotations', 'StartsAt', 'EndsAt', 'GeneratorURL', 'Fingerprint'];
  }
}

class AlertList extends Array<AlertmanagerAlert> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  goType(): string {
    return '[]template.Alert';
  }
}

/** The alerts of a notification, with `.Firing` and `.Resolved`. */
export class Alerts extends Array<AlertmanagerAlert> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
  goType(): string {
    return 'template.Alerts';
  }
  Firing(): AlertmanagerAlert[] {
    const list = new AlertList();
    list.push(...this.filter((alert) => alert.Status === 'firing'));
    return list;
  }
  Resolved(): AlertmanagerAlert[] {
    const list = new AlertList();
    list.push(...this.filter((alert) => alert.Status === 'resolved'));
    return list;
  }
}

/** The data Alertmanager passes to notification templates (its `template.Data`). */
export interface AlertmanagerTemplateData {
  Receiver: string;
  Status: 'firing' | 'resolved';
  Alerts: Alerts;
  GroupLabels: KV;
  CommonLabels: KV;
  CommonAnnotations: KV;
  ExternalURL: string;
}

class AlertmanagerData extends GoStruct implements AlertmanagerTemplateData {
  constructor(
    readonly Receiver: string,
    readonly Status: 'firing' | 'resolved',
    readonly Alerts: Alerts,
    readonly GroupLabels: KV,
    readonly CommonLabels: KV,
    readonly CommonAnnotations: KV,
    readonly ExternalURL: string,
  ) {
    super();
  }
  goType(): string {
    return 'template.Data';
  }
  goFields(): readonly string[] {
    return [
      'Receiver',
      'Status',
      'Alerts',
      'GroupLabels',
      'CommonLabels',
      'CommonAnnotations',
      'ExternalURL',
    ];
  }
}

const GO_ZERO_TIME = new GoTime(-62135596800000);

function quoteMeta(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

function common(records: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  if (records.length === 0) return {};
  const result: Record<string, string> = { ...records[0] };
  for (const record of records.slice(1)) {
    for (const [key, value] of Object.entries(result))
      if (record[key] !== value) delete result[key];
  }
  return result;
}

/** Builds the template data for a notification, as Alertmanager's `Template.Data` does. */
export function alertmanagerTemplateData(
  notification: Notification,
  options: { externalURL: string },
): AlertmanagerTemplateData {
  const alerts = new Alerts();
  for (const alert of notification.alerts) {
    alerts.push(
      new AlertmanagerAlert(
        alertStatus(alert, notification.timestamp),
        new KV(alert.labels),
        new KV(alert.annotations),
        alert.startsAt ? new GoTime(alert.startsAt) : GO_ZERO_TIME,
        alert.endsAt ? new GoTime(alert.endsAt) : GO_ZERO_TIME,
        alert.generatorURL,
        alert.fingerprint,
      ),
    );
  }
  return new AlertmanagerData(
    quoteMeta(notification.receiver),
    alerts.some((alert) => alert.Status === 'firing') ? 'firing' : 'resolved',
    alerts,
    new KV(notification.groupLabels),
    new KV(common(notification.alerts.map((alert) => alert.labels))),
    new KV(common(notification.alerts.map((alert) => alert.annotations))),
    options.externalURL,
  );
}

function field(record: Record<string, unknown>, name: string): unknown {
  // encoding/json matches keys case-insensitively.
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function kvFrom(value: unknown, path: string): KV {
  if (value === undefined || value === null) return new KV();
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error(`${path}: expected an object of strings`);
  for (const [key, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new Error(`${path}.${key}: expected a string`);
  }
  return new KV(value as Record<string, string>);
}

function stringFrom(value: unknown, path: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new Error(`${path}: expected a string`);
  return value;
}

function timeFrom(value: unknown, path: string): GoTime {
  if (value === undefined || value === null) return GO_ZERO_TIME;
  const parsed = typeof value === 'string' ? GoTime.parse(value) : undefined;
  if (!parsed) throw new Error(`${path}: expected an RFC 3339 time, got ${JSON.stringify(value)}`);
  return parsed;
}

/**
 * Reads template data in the JSON form Alertmanager's webhook sends and amtool's
 * `--template.data` takes (`receiver`, `status`, `alerts[]`, `groupLabels`, …; keys match
 * case-insensitively as in Go). Throws TemplateError naming the bad field.
 */
export function alertmanagerTemplateDataFromJSON(json: unknown): AlertmanagerTemplateData {
  try {
    if (typeof json !== 'object' || json === null || Array.isArray(json))
      throw new Error('expected a JSON object');
    const record = json as Record<string, unknown>;
    const alerts = new Alerts();
    const rawAlerts = field(record, 'alerts') ?? [];
    if (!Array.isArray(rawAlerts)) throw new Error('alerts: expected an array');
    rawAlerts.forEach((raw: unknown, i) => {
      const path = `alerts[${i}]`;
      if (typeof raw !== 'object' || raw === null) throw new Error(`${path}: expected an object`);
      const a = raw as Record<string, unknown>;
      alerts.push(
        new AlertmanagerAlert(
          stringFrom(field(a, 'status'), `${path}.status`),
          kvFrom(field(a, 'labels'), `${path}.labels`),
          kvFrom(field(a, 'annotations'), `${path}.annotations`),
          timeFrom(field(a, 'startsAt'), `${path}.startsAt`),
          timeFrom(field(a, 'endsAt'), `${path}.endsAt`),
          stringFrom(field(a, 'generatorURL'), `${path}.generatorURL`),
          stringFrom(field(a, 'fingerprint'), `${path}.fingerprint`),
        ),
      );
    });
    return new AlertmanagerData(
      stringFrom(field(record, 'receiver'), 'receiver'),
      stringFrom(field(record, 'status'), 'status') as 'firing' | 'resolved',
      alerts,
      kvFrom(field(record, 'groupLabels'), 'groupLabels'),
      kvFrom(field(record, 'commonLabels'), 'commonLabels'),
      kvFrom(field(record, 'commonAnnotations'), 'commonAnnotations'),
      stringFrom(field(record, 'externalURL'), 'externalURL'),
    );
  } catch (error) {
    throw new TemplateError(`invalid template data: ${(error as Error).message}`, {
      phase: 'exec',
      cause: error,
    });
  }
}

/**
 * cases.Title(language.AmericanEnglish): in each word (Unicode word breaking, simplified: letters,
 * digits and `_`, joined by `.` `:` `'` `’` between them) the first letter is upper-cased and the
 * other letters lower-cased: `it's 3rd foo.bar` → `It's 3Rd Foo.bar`.
 */
export function casesTitle(text: string): string {
  const chars = [...text];
  const wordChar = (c: string | undefined): boolean =>
    c !== undefined && /[\p{L}\p{N}\p{M}_]/u.test(c);
  let out = '';
  let seenLetter = false;
  chars.forEach((char, i) => {
    if (wordChar(char)) {
      if (/\p{L}/u.test(char)) {
        out += seenLetter ? char.toLowerCase() : char.toUpperCase();
        seenLetter = true;
      } else out += char;
      return;
    }
    const joins = /[.:'’]/.test(char) && wordChar(chars[i - 1]) && wordChar(chars[i + 1]);
    if (!joins) seenLetter = false;
    out += char;
  });
  return out;
}

/** Alertmanager 0.25's DefaultFuncs. */
export function alertmanagerFuncs(html: boolean): Record<string, GoFuncSpec> {
  return {
    toUpper: goFunc(['string'], (s: string) => s.toUpperCase()),
    toLower: goFunc(['string'], (s: string) => s.toLowerCase()),
    title: goFunc(['string'], casesTitle),
    join: goFunc(['string', '[]string'], (sep: string, values: readonly string[] | null) =>
      (values ?? []).join(sep),
    ),
    match: goFunc(['string', 'string'], matchString),
    safeHtml: goFunc(['string'], (text: string) => (html ? new SafeHTML(text) : text)),
    reReplaceAll: goFunc(
      ['string', 'string', 'string'],
      (pattern: string, repl: string, text: string) =>
        replaceAllString(mustCompile(pattern), text, repl),
    ),
    stringSlice: goFunc([], (...values: string[]) => stringSlice(values), 'string'),
  };
}

/** Executes Alertmanager template strings (receiver fields like `{{ template "slack.default.title" . }}`). */
export interface AlertmanagerTemplates {
  /** Alertmanager's tmplText: parses `template` as a new template in the set and executes it. '' gives ''. */
  text(template: string, data: AlertmanagerTemplateData): string;
  /**
   * Alertmanager's tmplHTML (html/template): as `text`, with each action's output passed through
   * the escapers html/template adds for where it lands (HTML text, quoted attribute, URL
   * attribute at its start, path or query); `safeHtml` output passes in text; HTML comments are
   * dropped. Script and style contexts and unquoted attributes are not treated specially.
   */
  html(template: string, data: AlertmanagerTemplateData): string;
  /** Names of the defined templates. */
  names(): string[];
  /** {@link alertmanagerTemplateData} with the `externalURL` these templates were loaded with. */
  data(notification: Notification): AlertmanagerTemplateData;
}

export interface LoadAlertmanagerTemplatesOptions {
  /** Template files, parsed after the defaults in this order; each is named by its base name. */
  files?: readonly string[];
  /** Template texts, parsed after the files (named `text0`, `text1`, …). */
  texts?: readonly string[];
  /** Alertmanager's external URL, for `data()` (`.ExternalURL`). Default ''. */
  externalURL?: string;
  limits?: TemplateLimits;
}

/**
 * Loads Alertmanager's default templates (0.25's default.tmpl and email.tmpl), then `files` and
 * `texts`, as Alertmanager's `template.FromGlobs` does. Throws TemplateError on a syntax error
 * (naming the file) and on an unreadable file.
 */
export function loadAlertmanagerTemplates(
  options: LoadAlertmanagerTemplatesOptions = {},
): AlertmanagerTemplates {
  const make = (html: boolean): TemplateSet => {
    const set = new TemplateSet({
      missingKey: 'zero',
      html,
      ...(options.limits ? { limits: options.limits } : {}),
    });
    set.addFuncs(alertmanagerFuncs(html));
    set.parse('', alertmanagerDefaultTmpl);
    set.parse('', alertmanagerEmailTmpl);
    for (const file of options.files ?? []) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new TemplateError(
          `open ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (error as Error).message}`,
          {
            phase: 'parse',
            cause: error,
          },
        );
      }
      set.parse(basename(file), text);
    }
    (options.texts ?? []).forEach((text, i) => set.parse(`text${i}`, text));
    return set;
  };
  const textSet = make(false);
  const htmlSet = make(true);
  const run = (set: TemplateSet, template: string, data: AlertmanagerTemplateData): string => {
    if (template === '') return '';
    // Go's text/template executes the tree just parsed, while html/template looks the name up,
    // and the set kept its older "" template if the new one is empty (whitespace/comments only).
    if (set === textSet && isEmptyTemplateText(template)) {
      return new TemplateSet().parse('', template).execute('', data);
    }
    const copy = set.clone();
    copy.parse('', template);
    return copy.execute('', data);
  };
  return {
    text: (template, data) => run(textSet, template, data),
    html: (template, data) => run(htmlSet, template, data),
    names: () => textSet.names(),
    data: (notification) =>
      alertmanagerTemplateData(notification, { externalURL: options.externalURL ?? '' }),
  };
}
