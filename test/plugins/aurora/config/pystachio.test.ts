import {
  AuroraEvaluationError,
  type AuroraUnboundNameError,
} from '@mesolite/plugin-aurora/config/errors';
import { loadAuroraConfig } from '@mesolite/plugin-aurora/config/load-config';
import { describe, expect, it } from 'vitest';
import { configError, reprOf, run } from './python.js';

const PROCESS = "p = Process(name = 'a', cmdline = 'echo a')\n";

describe('pystachio Structs', () => {
  it('fills in Aurora’s defaults at construction', () => {
    expect(reprOf(`${PROCESS}x = p`)).toBe(
      "Process(name='a', cmdline='echo a', max_failures=1, daemon=False, ephemeral=False, min_duration=5, final=False)",
    );
  });

  it('gives field values through accessor calls', () => {
    expect(reprOf(`${PROCESS}x = [p.name(), p.cmdline(), p.max_failures(), p.daemon()]`)).toBe(
      "['a', 'echo a', 1, False]",
    );
  });

  it('gives Empty for an unset field, which is falsy', () => {
    expect(
      reprOf(
        "t = Task(name = 't')\nx = [t.resources(), t.resources() is Empty, bool(t.resources())]",
      ),
    ).toBe('[Empty, True, False]');
  });

  it('returns a new value when a Struct is called, leaving the original unchanged', () => {
    expect(
      reprOf(
        `${PROCESS}q = p(name = 'b', max_failures = 3)\nx = [p.name(), q.name(), q.max_failures(), q.cmdline()]`,
      ),
    ).toBe("['a', 'b', 3, 'echo a']");
  });

  it('coerces integral floats to Integer', () => {
    expect(reprOf('x = Resources(cpu = 1, ram = 16 * MB / 2, disk = 1.0 * GB).ram()')).toBe(
      '8388608',
    );
  });

  it('refuses a fractional float for an Integer field, naming the field', () => {
    const error = configError(() => run('x = Resources(cpu = 1, ram = 1.5, disk = 1)'));
    expect(error).toBeInstanceOf(AuroraEvaluationError);
    expect(error.detail).toBe('TypeError: Resources.ram must be Integer, not float 1.5');
    expect([error.line, error.column]).toEqual([1, 14]);
  });

  it('coerces ints to Float and numbers to String', () => {
    expect(
      reprOf(
        'x = [Resources(cpu = 2, ram = 1, disk = 1).cpu(), Process(name = 5, cmdline = 1.5).name()]',
      ),
    ).toBe("[2.0, '5']");
  });

  it('turns a dict into the Struct a field expects', () => {
    expect(
      reprOf("x = Task(resources = {'cpu': 1, 'ram': MB, 'disk': MB}).resources().ram()"),
    ).toBe('1048576');
  });

  it('refuses a value of the wrong Struct type', () => {
    expect(
      configError(() => run("x = Task(resources = Process(name = 'p', cmdline = 'c'))")).detail,
    ).toContain('Task.resources must be Resources, not Process');
  });

  it('cannot be changed through the lists and dicts its accessors give', () => {
    const source = [
      "t = Task(processes = [Process(name = 'a', cmdline = 'x')])",
      "t.processes().append(Process(name = 'b', cmdline = 'y'))",
      'a = Announcer()',
      "a.portmap()['evil'] = 'x'",
      'x = [len(t.processes()), a.portmap()]',
    ].join('\n');
    expect(reprOf(source)).toBe("[1, {'aurora': '{{primary_port}}'}]");
  });

  it('compares Structs by value', () => {
    expect(
      reprOf(`${PROCESS}x = [p == p(), p == p(name = 'b'), p(name = 'b') == p(name = 'b')]`),
    ).toBe('[True, False, True]');
  });

  it('makes Service a Job with service=True', () => {
    expect(reprOf("x = [Service.service(), Job(role = 'r').service()]")).toBe('[True, False]');
  });
});

describe('Aurora’s helpers', () => {
  it('orders processes with order(), by Process or by name', () => {
    expect(reprOf(`${PROCESS}x = order(p, 'b')`)).toBe("[Constraint(order=['a', 'b'])]");
  });

  it('offers order() as Processes.order too', () => {
    expect(reprOf(`${PROCESS}x = Processes.order(p) == order(p)`)).toBe('True');
  });

  it('makes SequentialTask order all its processes', () => {
    expect(
      reprOf(
        `${PROCESS}x = SequentialTask(processes = [p, p(name = 'b'), p(name = 'c')]).constraints()`,
      ),
    ).toBe("[Constraint(order=['a', 'b', 'c'])]");
  });

  it('keeps explicit constraints in a SequentialTask', () => {
    expect(
      reprOf(
        `${PROCESS}x = SequentialTask(processes = [p, p(name = 'b')], constraints = order('b', 'a')).constraints()`,
      ),
    ).toBe("[Constraint(order=['b', 'a'])]");
  });

  it('builds a one-process task with SimpleTask', () => {
    expect(reprOf("x = SimpleTask('hello', 'echo hi').processes()[0].cmdline()")).toBe("'echo hi'");
  });
});

describe('user-defined Structs', () => {
  const PROFILE = [
    'class Profile(Struct):',
    '  """A deployment profile."""',
    '  version = Required(String)',
    '  replicas = Default(Integer, 2)',
    "  tags = Default(List(String), ['web'])",
    '  limits = Map(String, Float)',
    '  canary = Boolean',
    '',
  ].join('\n');

  it('declares fields with Required, Default, String, Integer, Float, Boolean, List and Map', () => {
    expect(reprOf(`${PROFILE}x = Profile(version = '1', limits = {'cpu': 1}, canary = True)`)).toBe(
      "Profile(version='1', replicas=2, tags=['web'], limits={'cpu': 1.0}, canary=True)",
    );
  });

  it('refuses a value of the wrong type for a declared field', () => {
    expect(configError(() => run(`${PROFILE}x = Profile(replicas = 'many')`)).detail).toContain(
      'Profile.replicas must be Integer',
    );
  });

  it('inherits the fields of a Struct it derives from', () => {
    expect(
      reprOf(
        `${PROFILE}class Canary(Profile):\n  weight = Default(Float, 0.1)\nx = Canary(version = '2')`,
      ),
    ).toBe("Canary(version='2', replicas=2, tags=['web'], weight=0.1)");
  });

  it('refuses a class body that is not field declarations', () => {
    expect(configError(() => run('class Bad(Struct):\n  def m(self):\n    pass')).detail).toContain(
      'only field declarations',
    );
  });

  it('refuses a field that is not a pystachio type', () => {
    expect(configError(() => run('class Bad(Struct):\n  n = 5')).detail).toContain(
      'Bad.n must be a pystachio type',
    );
  });

  it('reports a missing Required field when the job is loaded, naming it and where it was made', () => {
    const source = [
      "p = Process(name = 'p')",
      't = Task(processes = [p], resources = Resources(cpu = 1, ram = MB, disk = MB))',
      "jobs = [Job(cluster = 'c', role = 'r', task = t)]",
    ].join('\n');
    const error = configError(() => loadAuroraConfig(source, { filename: 'missing.aurora' }));
    expect(error.detail).toContain(
      "Process (made at missing.aurora:1) is missing required field 'cmdline'",
    );
  });

  it('leaves a field of a bound Struct unbound when it is missing', () => {
    const source = [
      PROFILE,
      "p = Process(name = 'p', cmdline = 'run {{profile.version}}')",
      't = Task(processes = [p], resources = Resources(cpu = 1, ram = MB, disk = MB))',
      "jobs = [Job(cluster = 'c', role = 'r', task = t).bind(profile = Profile())]",
    ].join('\n');
    const error = configError(() => loadAuroraConfig(source, { filename: 'profile.aurora' }));
    expect((error as AuroraUnboundNameError).names).toEqual(['profile.version']);
  });
});

describe('binding and templating', () => {
  const jobOf = (body: string, bindings: Record<string, string> = {}) => {
    const source = [
      "t = Task(processes = [Process(name = 'p', cmdline = 'x')], resources = Resources(cpu = 1, ram = MB, disk = MB))",
      body,
    ].join('\n');
    return loadAuroraConfig(source, { filename: 'bind.aurora', bindings }).jobs;
  };

  it('lets bindings closer to the object win', () => {
    const jobs = jobOf(
      [
        "p = Process(name = '{{context}}_process', cmdline = 'true')",
        "task = t(processes = [p, p.bind(context = 'local')]).bind(context = 'global')",
        "jobs = [Job(cluster = 'c', role = 'r', name = 'j', task = task)]",
      ].join('\n'),
    );
    expect(jobs[0]?.task.processes.map((p) => p.name)).toEqual(['global_process', 'local_process']);
  });

  it('binds from a dict as well as from keywords', () => {
    const jobs = jobOf(
      "jobs = [Job(cluster = 'c', role = '{{who}}', name = 'j', task = t).bind({'who': 'dict'})]",
    );
    expect(jobs[0]?.role).toBe('dict');
  });

  it('reaches into lists and structures with {{a.b[0].c}}', () => {
    const jobs = jobOf(
      "jobs = [Job(cluster = 'c', role = 'r', name = '{{task.processes[0].name}}-{{task.resources.ram}}', task = t)]",
    );
    expect(jobs[0]?.name).toBe('p-1048576');
  });

  it('resolves {{role}}, {{environment}} and {{cluster}} from the job inside its processes', () => {
    const jobs = jobOf(
      "jobs = [Job(cluster = 'west', role = 'www', environment = 'prod', name = 'j', task = t(processes = [Process(name = 'p', cmdline = '{{cluster}}/{{role}}/{{environment}}')]))]",
    );
    expect(jobs[0]?.task.processes[0]?.cmdline).toBe('west/www/prod');
  });

  it('lets --bind win over the job’s own binding, as the binding nearest the job', () => {
    const jobs = jobOf(
      "jobs = [Job(cluster = 'c', role = '{{who}}', name = 'j', task = t).bind(who = 'file')]",
      { who: 'cli' },
    );
    expect(jobs[0]?.role).toBe('cli');
  });

  it('binds a dotted name from --bind', () => {
    const jobs = jobOf(
      "jobs = [Job(cluster = 'c', role = '{{profile.role}}', name = 'j', task = t)]",
      { 'profile.role': 'dotted' },
    );
    expect(jobs[0]?.role).toBe('dotted');
  });

  it('coerces a templated Integer after binding', () => {
    const jobs = jobOf(
      "jobs = [Job(cluster = 'c', role = 'r', name = 'j', instances = '{{n}}', task = t)]",
      { n: '4' },
    );
    expect(jobs[0]?.instances).toBe(4);
  });

  it('stops a template that refers to itself', () => {
    const error = configError(() =>
      jobOf("jobs = [Job(cluster = 'c', role = '{{role}}', name = 'j', task = t)]"),
    );
    expect(error.detail).toContain('templates nest deeper');
  });
});

describe('Python values are not JavaScript objects', () => {
  it('keeps dict keys such as constructor as plain keys', () => {
    expect(
      reprOf(
        "d = {'constructor': 1, 'toString': 2, 'hasOwnProperty': 3}\nx = [len(d), d['constructor'], {}.get('toString'), 'valueOf' in {}]",
      ),
    ).toBe('[3, 1, None, False]');
  });

  it('has no attributes beyond those it defines', () => {
    expect(configError(() => run("x = 'a'.toString")).detail).toBe(
      "AttributeError: 'str' object has no attribute 'toString'",
    );
    expect(configError(() => run('x = [].map')).detail).toBe(
      "AttributeError: 'list' object has no attribute 'map'",
    );
    expect(configError(() => run('import os\nx = os.system')).detail).toBe(
      "AttributeError: 'module' object has no attribute 'system'",
    );
  });

  it('gives os.environ as a copy that writes cannot leak from', () => {
    const env = { USER: 'alice' };
    expect(
      reprOf("import os\nos.environ['USER'] = 'mallory'\nx = os.getenv('USER')", 'x', { env }),
    ).toBe("'alice'");
    expect(env.USER).toBe('alice');
  });
});
