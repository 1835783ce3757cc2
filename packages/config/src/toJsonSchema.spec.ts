import { toJsonSchema } from './toJsonSchema';

describe(toJsonSchema, () => {
  it('describes the client options with closed objects, ranges and enums an editor can check', () => {
    const schema = toJsonSchema('client') as {
      additionalProperties: boolean;
      properties: Record<string, { items?: { properties: Record<string, unknown> } }>;
    };
    expect(schema.additionalProperties).toBe(false);
    const clusterProps = schema.properties['clusters']!.items!.properties;
    expect(clusterProps['algorithm']).toMatchObject({
      enum: expect.arrayContaining(['round-robin']) as unknown,
    });
    expect(Object.keys(clusterProps)).toEqual(expect.arrayContaining(['endpoints', 'healthCheck', 'sticky']));
    expect(JSON.stringify(toJsonSchema('agent'))).toContain('"workload"');
  });
});
