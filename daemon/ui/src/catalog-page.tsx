import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { Bar } from './bar';
import { ErrorBox } from './error-box';
import { MARATHON, type MarathonApp } from './marathon-types';
import { usePoll } from './use-poll';

/**
 * The catalog: the packages of every repository as cards, an install form generated
 * from the chosen package's config.json (defaults filled, descriptions shown, Cosmos's
 * validation errors at their fields), the Marathon app it would install, the install's
 * progress until healthy, and the installed packages with uninstall. Everything goes
 * through the daemon's Cosmos API with DC/OS's media types.
 */

type Json = Record<string, unknown>;

// Layout the shared stylesheet has no rules for yet; kept here so the page stands alone.
const CARDS = { display: 'flex', flexWrap: 'wrap', gap: '0.75rem', marginTop: '0.75rem' };
const CARD = { width: '15rem', textAlign: 'left', padding: '0.75rem', cursor: 'pointer' };
const PREVIEW = {
  whiteSpace: 'pre-wrap',
  wordBreak: 'break-all',
  maxHeight: '24rem',
  overflow: 'auto',
};

interface SearchResult {
  name: string;
  currentVersion: string;
  versions: Record<string, number>;
  description: string;
  selected?: boolean;
  images?: { 'icon-small'?: string; 'icon-medium'?: string };
}

interface PackageDefinition {
  name: string;
  version: string;
  description: string;
  preInstallNotes?: string;
  postInstallNotes?: string;
  config?: Schema;
  resource?: { images?: { 'icon-medium'?: string } };
}

interface Schema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
}

interface Installation {
  appId: string;
  packageInformation: { packageDefinition: { name: string; version: string } };
}

/** Cosmos refused: its type, its message, and its data (JsonSchemaMismatch's reports). */
class CosmosRefusal extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly data: Json | undefined,
  ) {
    super(message);
    this.name = type;
  }
}

async function cosmos<T>(path: string, kind: string, body: unknown, version = 1): Promise<T> {
  const response = await fetch(path, {
    method: 'POST',
    headers: {
      'content-type': `application/vnd.dcos.package.${kind}-request+json;charset=utf-8;version=v1`,
      accept: `application/vnd.dcos.package.${kind}-response+json;charset=utf-8;version=v${version}`,
    },
    body: JSON.stringify(body),
  }).catch((err: unknown) => {
    throw new CosmosRefusal('Unreachable', `The daemon did not answer: ${String(err)}`, undefined);
  });
  const parsed = (await response.json().catch(() => ({}))) as Json;
  if (!response.ok) {
    throw new CosmosRefusal(
      String(parsed.type ?? response.status),
      String(parsed.message ?? response.statusText),
      parsed.data as Json | undefined,
    );
  }
  return parsed as T;
}

/** Where each validator report points: `service.port`, as the form names its fields. */
function fieldErrors(error: unknown): Map<string, string> {
  const byField = new Map<string, string>();
  if (!(error instanceof CosmosRefusal) || error.type !== 'JsonSchemaMismatch') return byField;
  for (const report of (error.data?.errors ?? []) as Json[]) {
    const pointer = String((report.instance as Json | undefined)?.pointer ?? '');
    const missing = (report.missing as string[] | undefined)?.[0];
    const path = [...pointer.split('/').slice(1), ...(missing ? [missing] : [])].join('.');
    // The report's message reads "<option>: found …, expected …"; at the field, the option is shown already.
    const text = String(report.message ?? '').replace(/^[^:]*: /, '');
    byField.set(path, byField.has(path) ? `${byField.get(path)}; ${text}` : text);
  }
  return byField;
}

function getAt(values: Json, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Json | undefined)?.[key], values);
}

function setAt(values: Json, path: string[], value: unknown): Json {
  const [key, ...rest] = path;
  if (key === undefined) return values;
  const copy = { ...values };
  if (rest.length === 0) {
    if (value === undefined) delete copy[key];
    else copy[key] = value;
  } else {
    copy[key] = setAt((copy[key] as Json | undefined) ?? {}, rest, value);
  }
  return copy;
}

/** The form's first values: config.json's defaults, nested as Cosmos takes them. */
function defaultsOf(schema: Schema | undefined): Json {
  const values: Json = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    if (property.default !== undefined) values[name] = property.default;
    else if (property.properties) {
      const nested = defaultsOf(property);
      if (Object.keys(nested).length > 0) values[name] = nested;
    }
  }
  return values;
}

export function CatalogPage() {
  const [query, setQuery] = useState('');
  const [chosen, setChosen] = useState<string | undefined>(undefined);
  const search = usePoll(
    () => cosmos<{ packages: SearchResult[] }>('/package/search', 'search', query ? { query } : {}),
    30_000,
  );
  const installed = usePoll(
    () => cosmos<{ packages: Installation[] }>('/package/list', 'list', {}),
    3_000,
  );
  // A new query is searched at once, not at the next poll.
  useEffect(() => {
    void search.refresh();
  }, [query]);

  return (
    <div class="catalog">
      <section>
        <h2>Catalog</h2>
        <input
          type="search"
          placeholder="Search packages"
          value={query}
          onInput={(event) => setQuery((event.target as HTMLInputElement).value)}
          data-testid="catalog-search"
        />
        <ErrorBox error={search.error} title="Searching the catalog failed" />
        <div class="package-cards" style={CARDS} data-testid="package-cards">
          {(search.data?.packages ?? []).map((pkg) => (
            <PackageCard
              key={pkg.name}
              pkg={pkg}
              active={chosen === pkg.name}
              onChoose={() => setChosen(pkg.name)}
            />
          ))}
        </div>
        {search.data && search.data.packages.length === 0 ? (
          <p class="muted">No package matches.</p>
        ) : null}
      </section>
      {chosen ? (
        <PackageDetail key={chosen} name={chosen} onInstalled={() => void installed.refresh()} />
      ) : null}
      <InstalledList
        installations={installed.data?.packages ?? []}
        error={installed.error}
        onChange={() => void installed.refresh()}
      />
    </div>
  );
}

function PackageCard({
  pkg,
  active,
  onChoose,
}: {
  pkg: SearchResult;
  active: boolean;
  onChoose: () => void;
}) {
  const versions = Object.entries(pkg.versions)
    .sort((a, b) => a[1] - b[1])
    .map(([version]) => version);
  const icon = pkg.images?.['icon-medium'] ?? pkg.images?.['icon-small'];
  return (
    <button
      type="button"
      class={`package-card${active ? ' active' : ''}`}
      style={{ ...CARD, ...(active ? { outline: '2px solid currentColor' } : {}) }}
      onClick={onChoose}
      data-testid={`package-${pkg.name}`}
    >
      {icon ? <img src={icon} alt="" width={48} height={48} /> : <span class="package-icon" />}
      <strong>{pkg.name}</strong>
      <span class="muted"> {pkg.currentVersion}</span>
      <p>{pkg.description}</p>
      <small class="muted">versions: {versions.join(', ')}</small>
    </button>
  );
}

type Phase =
  | { step: 'editing' }
  | { step: 'installing' }
  | { step: 'deploying'; appId: string; notes: string | undefined };

function PackageDetail({ name, onInstalled }: { name: string; onInstalled: () => void }) {
  const [pkg, setPkg] = useState<PackageDefinition | undefined>(undefined);
  const [values, setValues] = useState<Json>({});
  const [appId, setAppId] = useState('');
  const [preview, setPreview] = useState<Json | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [phase, setPhase] = useState<Phase>({ step: 'editing' });

  useEffect(() => {
    cosmos<{ package: PackageDefinition }>(
      '/package/describe',
      'describe',
      { packageName: name },
      3,
    ).then(
      (answer) => {
        setPkg(answer.package);
        setValues(defaultsOf(answer.package.config));
      },
      (err: unknown) => setError(err),
    );
  }, [name]);

  const request = () => ({
    packageName: name,
    ...(pkg?.config ? { options: values } : {}),
    ...(appId.trim() ? { appId: appId.trim() } : {}),
  });

  const render = async () => {
    setError(undefined);
    try {
      const answer = await cosmos<{ marathonJson: Json }>('/package/render', 'render', request());
      setPreview(answer.marathonJson);
    } catch (err) {
      setPreview(undefined);
      setError(err);
    }
  };

  const install = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    setPhase({ step: 'installing' });
    try {
      const answer = await cosmos<{ appId?: string; postInstallNotes?: string }>(
        '/package/install',
        'install',
        request(),
        2,
      );
      onInstalled();
      if (answer.appId)
        setPhase({ step: 'deploying', appId: answer.appId, notes: answer.postInstallNotes });
      else setPhase({ step: 'editing' });
    } catch (err) {
      setError(err);
      setPhase({ step: 'editing' });
    }
  };

  const errors = fieldErrors(error);
  if (!pkg) return <ErrorBox error={error} title={`Reading ${name} failed`} />;
  return (
    <section data-testid="package-detail">
      <h2>
        Install {pkg.name} {pkg.version}
      </h2>
      <p>{pkg.description}</p>
      {pkg.preInstallNotes ? <p class="notes">{pkg.preInstallNotes}</p> : null}
      <form onSubmit={(event) => void install(event)} class="install-form">
        <label>
          App id <small class="muted">(optional; the package’s own id otherwise)</small>
          <input
            name="appId"
            value={appId}
            onInput={(event) => setAppId((event.target as HTMLInputElement).value)}
          />
        </label>
        {pkg.config ? (
          <SchemaFields
            schema={pkg.config}
            path={[]}
            values={values}
            errors={errors}
            onChange={(path, value) => setValues((current) => setAt(current, path, value))}
          />
        ) : (
          <p class="muted">This package has no options.</p>
        )}
        <div>
          <button type="button" onClick={() => void render()}>
            Show the app
          </button>{' '}
          <button type="submit" data-change disabled={phase.step !== 'editing'}>
            Install
          </button>
        </div>
      </form>
      <ErrorBox error={error} title="The catalog refused" />
      {preview ? (
        <pre class="version-json" style={PREVIEW} data-testid="rendered-app">
          {JSON.stringify(preview, null, 2)}
        </pre>
      ) : null}
      {phase.step === 'installing' ? <p class="muted">Installing…</p> : null}
      {phase.step === 'deploying' ? (
        <InstallProgress appId={phase.appId} notes={phase.notes} />
      ) : null}
    </section>
  );
}

function SchemaFields({
  schema,
  path,
  values,
  errors,
  onChange,
}: {
  schema: Schema;
  path: string[];
  values: Json;
  errors: Map<string, string>;
  onChange: (path: string[], value: unknown) => void;
}) {
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, property]) => {
        const at = [...path, name];
        const key = at.join('.');
        if (property.properties) {
          return (
            <fieldset key={key}>
              <legend>{name}</legend>
              {property.description ? <small class="muted">{property.description}</small> : null}
              <SchemaFields
                schema={property}
                path={at}
                values={values}
                errors={errors}
                onChange={onChange}
              />
            </fieldset>
          );
        }
        return (
          <OptionField
            key={key}
            name={key}
            schema={property}
            required={schema.required?.includes(name) ?? false}
            value={getAt(values, at)}
            error={errors.get(key)}
            onChange={(value) => onChange(at, value)}
          />
        );
      })}
    </>
  );
}

function OptionField({
  name,
  schema,
  required,
  value,
  error,
  onChange,
}: {
  name: string;
  schema: Schema;
  required: boolean;
  value: unknown;
  error: string | undefined;
  onChange: (value: unknown) => void;
}) {
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  const text = (event: Event) => (event.target as HTMLInputElement).value;
  const id = `option-${name}`;
  let input: preact.JSX.Element;
  if (schema.enum) {
    input = (
      <select
        name={name}
        value={JSON.stringify(value)}
        onChange={(e) => onChange(JSON.parse(text(e)))}
      >
        {schema.enum.map((choice) => (
          <option key={JSON.stringify(choice)} value={JSON.stringify(choice)}>
            {String(choice)}
          </option>
        ))}
      </select>
    );
  } else if (type === 'boolean') {
    input = (
      <input
        type="checkbox"
        id={id}
        name={name}
        checked={value === true}
        onChange={(e) => onChange((e.target as HTMLInputElement).checked)}
      />
    );
  } else if (type === 'integer' || type === 'number') {
    input = (
      <input
        type="text"
        inputMode="decimal"
        id={id}
        name={name}
        value={value === undefined ? '' : String(value)}
        onInput={(e) => {
          const raw = text(e).trim();
          // What is not a number is sent as typed, so the catalog says what is wrong with it.
          onChange(raw === '' ? undefined : Number.isNaN(Number(raw)) ? raw : Number(raw));
        }}
      />
    );
  } else if (type === 'array' || type === 'object') {
    input = (
      <textarea
        id={id}
        name={name}
        rows={3}
        value={value === undefined ? '' : JSON.stringify(value)}
        onInput={(e) => {
          const raw = text(e);
          try {
            onChange(raw.trim() === '' ? undefined : JSON.parse(raw));
          } catch {
            onChange(raw);
          }
        }}
      />
    );
  } else {
    input = (
      <input
        id={id}
        name={name}
        value={value === undefined ? '' : String(value)}
        onInput={(e) => onChange(text(e))}
      />
    );
  }
  return (
    <div class={`option${error ? ' has-error' : ''}`} data-option={name}>
      <label for={id}>
        <code>{name}</code>
        {required ? ' *' : ''}
      </label>
      {input}
      {schema.description ? <small class="muted">{schema.description}</small> : null}
      {error ? (
        <small class="error-text" data-testid={`option-error-${name}`}>
          {error}
        </small>
      ) : null}
    </div>
  );
}

/** The installed app's instances coming up, until all are healthy (running, without checks). */
function InstallProgress({ appId, notes }: { appId: string; notes: string | undefined }) {
  const app = usePoll(
    async () =>
      ((await api(`${MARATHON}/apps/${appId.replace(/^\//, '')}`)) as { app: MarathonApp }).app,
    1_000,
  );
  const current = app.data;
  const ready = current
    ? (current.healthChecks?.length ?? 0) > 0
      ? current.tasksHealthy
      : current.tasksRunning
    : 0;
  const done = current !== undefined && ready >= current.instances;
  return (
    <div data-testid="install-progress">
      <p>
        {appId}: {done ? 'ready' : 'deploying'}
      </p>
      {current ? <Bar used={ready} total={current.instances} unit=" ready" /> : null}
      {done && notes ? <p class="notes">{notes}</p> : null}
      <ErrorBox error={app.error} title={`Reading ${appId} failed`} />
    </div>
  );
}

function InstalledList({
  installations,
  error,
  onChange,
}: {
  installations: Installation[];
  error: unknown;
  onChange: () => void;
}) {
  const [failure, setFailure] = useState<unknown>(undefined);
  const [notes, setNotes] = useState<string | undefined>(undefined);

  const uninstall = async (installation: Installation) => {
    setFailure(undefined);
    try {
      const answer = await cosmos<{ results: { postUninstallNotes?: string }[] }>(
        '/package/uninstall',
        'uninstall',
        {
          packageName: installation.packageInformation.packageDefinition.name,
          appId: installation.appId,
        },
      );
      setNotes(
        answer.results.map((result) => result.postUninstallNotes ?? '').join('\n') || undefined,
      );
      onChange();
    } catch (err) {
      setFailure(err);
    }
  };

  return (
    <section>
      <h2>Installed packages</h2>
      <ErrorBox error={error ?? failure} title="The installed packages" />
      <table data-testid="installed">
        <thead>
          <tr>
            <th>Package</th>
            <th>Version</th>
            <th>App</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {installations.map((installation) => (
            <tr key={installation.appId}>
              <td>{installation.packageInformation.packageDefinition.name}</td>
              <td>{installation.packageInformation.packageDefinition.version}</td>
              <td>{installation.appId}</td>
              <td>
                <button
                  type="button"
                  class="danger"
                  data-change
                  onClick={() => void uninstall(installation)}
                >
                  Uninstall
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {installations.length === 0 ? <p class="muted">No packages installed.</p> : null}
      {notes ? <p class="notes">{notes}</p> : null}
    </section>
  );
}
