/**
 * Aurora's and Thermos's schema (apache/aurora config/schema/base.py and
 * thermos/config/schema_base.py) as pystachio structs, with Aurora's defaults, plus the
 * helpers configurations call: order(), SequentialTask, Service, the size units.
 * Only the fields the loaded-job contract (../job-config.ts) carries are declared, so an
 * unsupported field is an error naming it rather than something silently dropped.
 */
import {
  BooleanT,
  ChoiceType,
  Empty,
  EnumType,
  FieldMarker,
  type FieldSpec,
  FloatT,
  fieldSpec,
  IntegerT,
  ListType,
  MapType,
  PType,
  StringT,
  StructType,
  StructValue,
} from './pystachio.js';
import {
  builtin,
  type CallArgs,
  type EvalContext,
  PyDict,
  PyError,
  PyList,
  PyModule,
  PyObject,
  type PyValue,
  positional,
  str,
  typeName,
} from './values.js';

const required = (type: PType): FieldSpec => fieldSpec(type, true);
const optional = (type: PType): FieldSpec => fieldSpec(type, false);
const withDefault = (type: PType, value: PyValue): FieldSpec => fieldSpec(type, false, value);

const noContext: EvalContext = {
  call: () => {
    throw new PyError('TypeError', 'not callable while building the schema');
  },
  tick: () => {},
  checkString: (s) => s,
  checkStringLength: () => {},
  checkSize: () => {},
  location: () => ({ file: '<schema>', line: 0, column: 0 }),
};

function make(type: StructType, keywords: Record<string, PyValue> = {}): StructValue {
  return type.call(
    { positional: [], keywords: new Map(Object.entries(keywords)) },
    noContext,
  ) as StructValue;
}

/** The `Struct` base class of user-defined structs; only usable as a base. */
class StructBase extends PyObject {
  readonly typeName = 'type';
  repr(): string {
    return "<class 'Struct'>";
  }
}

class TypeConstructor extends PyObject {
  readonly typeName = 'builtin_function_or_method';
  constructor(
    private readonly name: string,
    private readonly build: (args: PyValue[]) => PyValue,
  ) {
    super();
  }
  override call(args: CallArgs): PyValue {
    if (args.keywords.size > 0)
      throw new PyError('TypeError', `${this.name}() takes no keyword arguments`);
    return this.build([...args.positional]);
  }
}

function asType(value: PyValue | undefined, where: string): PType {
  if (value instanceof PType) return value;
  throw new PyError('TypeError', `${where} takes a pystachio type, not ${typeName(value ?? null)}`);
}

export interface AuroraSchema {
  readonly names: ReadonlyMap<string, PyValue>;
  readonly structBase: PyValue;
  readonly Job: StructType;
}

export function auroraSchema(): AuroraSchema {
  const BYTES = 1;
  const KB = 1024 * BYTES;
  const MB = 1024 * KB;
  const GB = 1024 * MB;
  const TB = 1024 * GB;

  const Resources = new StructType('Resources', [
    ['cpu', required(FloatT)],
    ['ram', required(IntegerT)],
    ['disk', required(IntegerT)],
    ['gpu', withDefault(IntegerT, 0)],
  ]);
  const Constraint = new StructType('Constraint', [
    ['order', withDefault(new ListType(StringT), new PyList([]))],
  ]);
  const Process = new StructType('Process', [
    ['name', required(StringT)],
    ['cmdline', required(StringT)],
    ['max_failures', withDefault(IntegerT, 1)],
    ['daemon', withDefault(BooleanT, false)],
    ['ephemeral', withDefault(BooleanT, false)],
    ['min_duration', withDefault(IntegerT, 5)],
    ['final', withDefault(BooleanT, false)],
  ]);
  const Task = new StructType('Task', [
    ['name', withDefault(StringT, '{{processes[0].name}}')],
    ['processes', withDefault(new ListType(Process), new PyList([]))],
    ['constraints', withDefault(new ListType(Constraint), new PyList([]))],
    ['resources', required(Resources)],
    ['max_failures', withDefault(IntegerT, 1)],
    ['max_concurrency', withDefault(IntegerT, 0)],
    ['finalization_wait', withDefault(IntegerT, 30)],
  ]);
  const UpdateConfig = new StructType('UpdateConfig', [
    ['batch_size', withDefault(IntegerT, 1)],
    ['watch_secs', withDefault(IntegerT, 45)],
    ['max_per_shard_failures', withDefault(IntegerT, 0)],
    ['max_total_failures', withDefault(IntegerT, 0)],
    ['rollback_on_failure', withDefault(BooleanT, true)],
    ['wait_for_batch_completion', withDefault(BooleanT, false)],
  ]);
  const HttpHealthChecker = new StructType('HttpHealthChecker', [
    ['endpoint', withDefault(StringT, '/health')],
    ['expected_response', withDefault(StringT, 'ok')],
    ['expected_response_code', withDefault(IntegerT, 0)],
  ]);
  const ShellHealthChecker = new StructType('ShellHealthChecker', [
    ['shell_command', required(StringT)],
  ]);
  const HealthCheckerConfig = new StructType('HealthCheckerConfig', [
    ['http', optional(HttpHealthChecker)],
    ['shell', optional(ShellHealthChecker)],
  ]);
  const HealthCheckConfig = new StructType('HealthCheckConfig', [
    [
      'health_checker',
      withDefault(
        HealthCheckerConfig,
        make(HealthCheckerConfig, { http: make(HttpHealthChecker) }),
      ),
    ],
    ['initial_interval_secs', withDefault(FloatT, 15)],
    ['interval_secs', withDefault(FloatT, 10)],
    ['max_consecutive_failures', withDefault(IntegerT, 0)],
    ['min_consecutive_successes', withDefault(IntegerT, 1)],
    ['timeout_secs', withDefault(FloatT, 1)],
  ]);
  const Announcer = new StructType('Announcer', [
    ['primary_port', withDefault(StringT, 'http')],
    [
      'portmap',
      withDefault(new MapType(StringT, StringT), new PyDict([['aurora', '{{primary_port}}']])),
    ],
  ]);
  const Parameter = new StructType('Parameter', [
    ['name', required(StringT)],
    ['value', required(StringT)],
  ]);
  const Docker = new StructType(
    'Docker',
    [
      ['image', required(StringT)],
      ['parameters', withDefault(new ListType(Parameter), new PyList([]))],
    ],
    'docker',
  );
  const DockerImage = new StructType(
    'DockerImage',
    [
      ['name', required(StringT)],
      ['tag', required(StringT)],
    ],
    'docker',
  );
  const Volume = new StructType('Volume', [
    ['container_path', required(StringT)],
    ['host_path', required(StringT)],
    ['mode', required(new EnumType(['RO', 'RW']))],
  ]);
  const Mesos = new StructType(
    'Mesos',
    [
      ['image', optional(new ChoiceType([DockerImage]))],
      ['volumes', withDefault(new ListType(Volume), new PyList([]))],
    ],
    'mesos',
  );
  const Container = new StructType('Container', [['docker', optional(Docker)]]);
  const Metadata = new StructType('Metadata', [
    ['key', required(StringT)],
    ['value', required(StringT)],
  ]);
  const Job = new StructType('Job', [
    ['name', withDefault(StringT, '{{task.name}}')],
    ['role', required(StringT)],
    ['contact', optional(StringT)],
    ['cluster', required(StringT)],
    // Aurora's reference documents devel as the default environment (CLARIFICATIONS).
    ['environment', withDefault(StringT, 'devel')],
    ['instances', withDefault(IntegerT, 1)],
    ['task', required(Task)],
    ['announce', optional(Announcer)],
    ['tier', optional(StringT)],
    ['cron_schedule', optional(StringT)],
    ['cron_collision_policy', withDefault(StringT, 'KILL_EXISTING')],
    ['update_config', withDefault(UpdateConfig, make(UpdateConfig))],
    ['constraints', optional(new MapType(StringT, StringT))],
    ['metadata', withDefault(new ListType(Metadata), new PyList([]))],
    ['service', withDefault(BooleanT, false)],
    ['max_task_failures', withDefault(IntegerT, 1)],
    ['production', withDefault(BooleanT, false)],
    ['priority', withDefault(IntegerT, 0)],
    ['health_check_config', withDefault(HealthCheckConfig, make(HealthCheckConfig))],
    ['container', optional(new ChoiceType([Container, Docker, Mesos]))],
  ]);
  const Service = make(Job, { service: true });

  const processName = (p: PyValue): string => {
    if (p instanceof StructValue && p.type === Process) {
      const name = p.value('name');
      if (name === undefined)
        throw new PyError('ValueError', 'order() got a Process without a name');
      return str(name);
    }
    if (typeof p === 'string') return p;
    throw new PyError('ValueError', `Unknown value for process order: ${typeName(p)}`);
  };
  const order = builtin('order', (args, ctx) => {
    const names = args.positional.map(processName);
    return new PyList([
      Constraint.call({ positional: [], keywords: new Map([['order', new PyList(names)]]) }, ctx),
    ]);
  });
  const sequential = (task: StructValue, ctx: EvalContext): StructValue => {
    const constraints = task.value('constraints');
    const processes = task.value('processes');
    if (constraints instanceof PyList && constraints.items.length > 0) return task;
    if (!(processes instanceof PyList)) return task;
    const constraint = order.call({ positional: processes.items, keywords: new Map() }, ctx);
    return task.call(
      { positional: [], keywords: new Map([['constraints', constraint]]) },
      ctx,
    ) as StructValue;
  };
  const SequentialTask = builtin('SequentialTask', (args, ctx) =>
    sequential(Task.call(args, ctx) as StructValue, ctx),
  );
  const simpleTask = (args: CallArgs, ctx: EvalContext): PyValue => {
    const [name, command] = positional(args, 'SimpleTask', 2, 2).map((v) => str(v ?? null));
    const kw = (o: Record<string, PyValue>) => ({
      positional: [],
      keywords: new Map(Object.entries(o)),
    });
    return Task.call(
      kw({
        name: name ?? '',
        processes: new PyList([
          Process.call(kw({ name: name ?? '', cmdline: command ?? '' }), ctx),
        ]),
        resources: Resources.call(kw({ cpu: 1, ram: GB, disk: GB }), ctx),
      }),
      ctx,
    );
  };

  const names = new Map<string, PyValue>([
    ['BYTES', BYTES],
    ['KB', KB],
    ['MB', MB],
    ['GB', GB],
    ['TB', TB],
    ['Resources', Resources],
    ['Constraint', Constraint],
    ['Process', Process],
    ['Task', Task],
    ['SequentialTask', SequentialTask],
    ['SimpleTask', builtin('SimpleTask', simpleTask)],
    ['UpdateConfig', UpdateConfig],
    ['HttpHealthChecker', HttpHealthChecker],
    ['ShellHealthChecker', ShellHealthChecker],
    ['HealthCheckerConfig', HealthCheckerConfig],
    ['HealthCheckConfig', HealthCheckConfig],
    ['Announcer', Announcer],
    ['Parameter', Parameter],
    ['Docker', Docker],
    ['DockerImage', DockerImage],
    ['Volume', Volume],
    ['Mesos', Mesos],
    ['Container', Container],
    ['Metadata', Metadata],
    ['Job', Job],
    ['MesosJob', Job],
    ['Service', Service],
    ['order', order],
    ['Processes', new PyModule('Processes', [['order', order]])],
    [
      'Tasks',
      new PyModule('Tasks', [
        [
          'sequential',
          builtin('sequential', (args, ctx) => {
            const [task] = positional(args, 'Tasks.sequential', 1, 1);
            if (!(task instanceof StructValue) || task.type !== Task)
              throw new PyError('TypeError', 'Tasks.sequential() takes a Task');
            return sequential(task, ctx);
          }),
        ],
        ['simple', builtin('simple', simpleTask)],
      ]),
    ],
    ['Empty', Empty],
    ['String', StringT],
    ['Integer', IntegerT],
    ['Float', FloatT],
    ['Boolean', BooleanT],
    [
      'Required',
      new TypeConstructor(
        'Required',
        ([t]) => new FieldMarker(asType(t, 'Required()'), true, undefined),
      ),
    ],
    [
      'Default',
      new TypeConstructor('Default', (args) => {
        if (args.length !== 2) throw new PyError('TypeError', 'Default() takes a type and a value');
        return new FieldMarker(asType(args[0], 'Default()'), false, args[1] ?? null);
      }),
    ],
    ['List', new TypeConstructor('List', ([t]) => new ListType(asType(t, 'List()')))],
    [
      'Map',
      new TypeConstructor('Map', ([k, v]) => new MapType(asType(k, 'Map()'), asType(v, 'Map()'))),
    ],
    ['Enum', new TypeConstructor('Enum', (values) => new EnumType(values.map((v) => str(v))))],
    [
      'Choice',
      new TypeConstructor('Choice', ([options]) => {
        if (!(options instanceof PyList))
          throw new PyError('TypeError', 'Choice() takes a list of types');
        return new ChoiceType(options.items.map((o) => asType(o, 'Choice()')));
      }),
    ],
  ]);
  const structBase = new StructBase();
  names.set('Struct', structBase);
  return { names, structBase, Job };
}
