import { parseResources } from '@mesolite/daemon/master/resources/parse-resources';
import { ResourceBag } from '@mesolite/daemon/master/resources/resource-bag';
import { describe, expect, it } from 'vitest';

describe('parseResources', () => {
  it('reads the agent flag as Mesos writes it', () => {
    const parsed = parseResources(
      'cpus:4;mem:2048;disk:10000;ports:[31000-32000,33000-33100];gpus:0;foo:{a,b}',
    );
    const expected = ResourceBag.of({
      cpus: 4,
      mem: 2048,
      disk: 10000,
      ports: [
        [31000, 32000],
        [33000, 33100],
      ],
      foo: ['a', 'b'],
    });
    expect(parsed.equals(expected)).toBe(true);
  });

  it('drops zero amounts, as gpus:0 means no GPUs', () => {
    expect(parseResources('gpus:0').isEmpty()).toBe(true);
  });

  it('reads a "*" role suffix as unreserved', () => {
    expect(parseResources('cpus(*):4').equals(ResourceBag.of({ cpus: 4 }))).toBe(true);
  });

  it('reads any other role suffix as a static reservation', () => {
    const parsed = parseResources('cpus(web):4;mem:64');
    expect(parsed.equals(ResourceBag.of({ cpus: 4 }, 'web').add(ResourceBag.of({ mem: 64 })))).toBe(
      true,
    );
  });

  it('gives parts without a role the default role', () => {
    const parsed = parseResources('cpus:1', { defaultRole: 'ops' });
    expect(parsed.reservationRoles()).toEqual(['ops']);
  });

  it('tolerates spaces and empty parts', () => {
    const parsed = parseResources(' cpus : 1.5 ; ; ports : [ 1-2 , 4-5 ] ; foo:{ a , b };');
    expect(parsed.scalar('cpus')).toBe(1.5);
    expect(parsed.ranges('ports')).toEqual([
      [1, 2],
      [4, 5],
    ]);
    expect(parsed.set('foo')).toEqual(['a', 'b']);
  });

  it('adds up a name given twice, as Mesos does', () => {
    expect(parseResources('cpus:1;cpus:2').scalar('cpus')).toBe(3);
  });

  it('reads back what a bag prints', () => {
    const agent = ResourceBag.of({ cpus: 0.5, ports: [[1, 9]], zones: ['x'] }).add(
      ResourceBag.of({ mem: 256 }, 'web/api'),
    );
    expect(parseResources(agent.toString()).equals(agent)).toBe(true);
  });

  it('reads a JSON array of Resource objects, as Mesos accepts too', () => {
    const parsed = parseResources(
      '[{"name":"cpus","type":"SCALAR","scalar":{"value":2}},' +
        '{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":80,"end":81}]}}]',
    );
    expect(parsed.equals(ResourceBag.of({ cpus: 2, ports: [[80, 81]] }))).toBe(true);
  });

  it.each([
    ['cpus', '"cpus"', /no ":"/],
    ['cpus:4:5', '"cpus:4:5"', /more than one ":"/],
    ['cpus:four', '"cpus:four"', /"four" is not a number/],
    ['cpus:-1', '"cpus:-1"', /-1 is negative/],
    ['mem:1;ports:[31000-]', '"ports:\\[31000-\\]"', /range "31000-" is not begin-end/],
    ['ports:[32000-31000]', '"ports:\\[32000-31000\\]"', /ends before it begins/],
    ['ports:[1-2', '"ports:\\[1-2"', /must end with "\]"/],
    ['foo:{a,b', '"foo:\\{a,b"', /must end with "\}"/],
    ['cpus(web:4', '"cpus\\(web:4"', /matching parentheses/],
    [':4', '":4"', /no name/],
    ['cpus(-ops):1', '"cpus\\(-ops\\):1"', /starting with "-"/],
    ['ports:80;ports:[1-2]', '"ports:\\[1-2\\]"', /was SCALAR earlier .* RANGES here/],
    ['[{"name":"cpus"', '\\(JSON\\)', /not valid JSON/],
  ])('refuses %s, naming the bad part', (text, part, problem) => {
    let thrown: unknown;
    try {
      parseResources(text);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'MESOLITE_ERR_INVALID_RESOURCES' });
    expect((thrown as Error).message).toMatch(new RegExp(`Invalid resources ${part}: `));
    expect((thrown as Error).message).toMatch(problem);
  });
});
