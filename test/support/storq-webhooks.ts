/** The mapping the webhook suites start from: a storq `stock.updated` event's SKU and quantity as an inventory level. */
export const STOCK_MAP = '{ "product": data.object.sku, "quantity": data.object.quantity }';

/**
 * connectors.yaml lines, indented to sit under `connectors:`, for a storq connector named `name`
 * that takes signed `stock.updated` webhooks (HMAC-SHA256 in hex of the body, secret from
 * `STORQ_WEBHOOK_SECRET`) and maps them with `map` onto inventory levels. Its API is never called.
 * @example
 * writeFileSync(path, `version: 1\nconnectors:\n${storqStockWebhooks()}`);
 */
export function storqStockWebhooks(name = 'storq', map = STOCK_MAP): string {
  return `  ${name}:
    base_url: http://127.0.0.1:9/api
    webhooks:
      verify: { type: hmac, header: Storq-Signature, algorithm: sha256, encoding: hex, secret: "\${STORQ_WEBHOOK_SECRET}" }
      event_id: $.id
      event_type: $.type
      events:
        stock.updated:
          entity: inventory_level
          map: '${map}'
`;
}
