/** Actions: outbound operations such as creating an order. */
import { anyObject, mapOf, scalar, Type } from '../../json-schema/index.js';
import { Description, Jsonata } from './parts.js';
import { RequestSchema } from './stream.js';

export const IdempotencySchema = Type.Object(
  {
    key: Type.String({ minLength: 1, description: 'Field of the request body that identifies the action, e.g. external_id.' }),
    header: Type.Optional(Type.String({ minLength: 1, description: 'Also send the key in this header, e.g. Idempotency-Key.' })),
    lookup: Type.Optional(
      Type.Object(
        {
          path: Type.String({ minLength: 1, description: 'GET path of the lookup; may hold {placeholders} from the body, the input and the connection.' }),
          query: Type.Optional(mapOf(scalar(), { description: 'May use {{field}} templates from the body.' })),
          records: Type.Optional(
            Type.String({
              ...Jsonata,
              description: 'Path to the list of matches in the lookup response, e.g. $.orders (default: the body, which must then be a list; $ when the response is the one match).',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      'Makes the action safe to retry: the key identifies it; lookup finds an earlier success before each attempt, header lets a vendor that dedupes do so. Give lookup or header (or both).',
  },
);

export const ActionSchema = Type.Object(
  {
    description: Type.Optional(Description),
    request: RequestSchema,
    input_schema: Type.Optional(anyObject({ description: 'JSON Schema the action input must satisfy.' })),
    map: Type.Optional(Type.String({ ...Jsonata, description: 'JSONata from the vendor response to the action result.' })),
    idempotency: Type.Optional(IdempotencySchema),
  },
  { title: 'Action', additionalProperties: false },
);
