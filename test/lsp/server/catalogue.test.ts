// Without a compilation the server reads the prelude's classes itself (completion on broken text).
import { strict as assert } from 'node:assert';
import { Catalogue, classesFromSource, fallbackClasses, choicesOf, refKindOf } from '@pim/lsp/internal/catalogue';

describe('class catalogue from the prelude', () => {
  it('reads the prelude with inherited attributes, docs and categories', () => {
    const classes = fallbackClasses();
    const xbar = classes.get('crossbar');
    assert.ok(xbar, 'crossbar class');
    assert.equal(xbar.category, 'component');
    const names = xbar.attributes.map((a) => a.name);
    assert.ok(names.includes('rows') && names.includes('cell'));
    // Inherited from `component`, after its own.
    assert.ok(names.includes('shared_by'));
    assert.ok(names.indexOf('rows') < names.indexOf('shared_by'));
    assert.equal(classes.get('train')?.category, 'declaration');
    assert.match(xbar.doc ?? '', /crossbar/i);
    assert.match(xbar.file ?? '', /components\.pim$/);
  });

  it('keeps a subclass override ahead of the inherited attribute', () => {
    const cls = classesFromSource([
      {
        path: '/p/components.pim',
        text: 'class base { a: count = 1, b: count = 2 }\nclass sub extends base { b: count = 5 }\n',
      },
    ]);
    assert.deepEqual(
      cls.get('sub')!.attributes.map((x) => `${x.name}=${x.default}`),
      ['b=5', 'a=1'],
    );
  });

  it('tells block sections from object values', () => {
    const cat = new Catalogue(fallbackClasses(), new Map());
    const sections = cat.blockSections();
    assert.ok(sections.includes('faults') && sections.includes('noise'), sections.join(','));
    assert.ok(!sections.includes('sgd') && !sections.includes('cf_mesmo') && !sections.includes('graph'));
    assert.equal(cat.forBlock('faults', 'train')?.name, 'faults');
    assert.equal(cat.forBlock('crossbar', 'architecture')?.name, 'crossbar');
    assert.equal(cat.forBlock('crossbar', 'model'), undefined);
  });

  it('reads choices and reference kinds from attribute types', () => {
    assert.deepEqual(choicesOf('one_of(mesh, mesh3d)'), ['mesh', 'mesh3d']);
    assert.equal(choicesOf('count'), undefined);
    assert.equal(refKindOf('required(ref(device))'), 'device');
  });
});
