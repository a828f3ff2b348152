// The sample workspace the end-to-end test opens: small files in four languages, written fresh
// for every run so the test never depends on (or changes) anything in the repository.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SAMPLE_FILES: Record<string, string> = {
  'user_service.py': `class UserRepository:
    def __init__(self, connection_pool):
        self.connection_pool = connection_pool

    def getUserById(self, user_id):
        with self.connection_pool.acquire() as conn:
            return conn.fetch_one("SELECT * FROM users WHERE id = ?", user_id)

    def find_active_users(self, max_results=10):
        rows = self.connection_pool.query("SELECT * FROM users WHERE active = 1")
        return [row for row in rows][:max_results]
`,
  'shoppingCart.ts': `export interface CartLineItem {
  productIdentifier: string;
  unitPriceInCents: number;
  quantity: number;
}

export function calculateCartTotal(lineItems: CartLineItem[]): number {
  let runningTotalInCents = 0;
  for (const lineItem of lineItems) {
    runningTotalInCents += lineItem.unitPriceInCents * lineItem.quantity;
  }
  return runningTotalInCents;
}
`,
  'http_handler.go': `package main

import "net/http"

func handleHealthCheck(responseWriter http.ResponseWriter, request *http.Request) {
	responseWriter.WriteHeader(http.StatusOK)
	_, _ = responseWriter.Write([]byte("ok"))
}
`,
  'OrderProcessor.java': `public class OrderProcessor {
    private final PaymentGateway paymentGateway;

    public OrderProcessor(PaymentGateway paymentGateway) {
        this.paymentGateway = paymentGateway;
    }

    public boolean processPendingOrder(Order pendingOrder) {
        return paymentGateway.chargeCustomer(pendingOrder.getCustomerId(), pendingOrder.getTotalAmount());
    }
}
`,
};

export function writeSampleWorkspace(root: string): string {
  const dir = join(root, 'workspace');
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(SAMPLE_FILES)) writeFileSync(join(dir, name), text);
  return dir;
}
