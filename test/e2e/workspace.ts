// The sample workspace the end-to-end test opens: small files in four languages, written fresh
// for every run so the test never depends on (or changes) anything in the repository. Besides the
// four files the report counts, it holds one file .gitignore names, one under a folder the
// editor's files.exclude hides (EXCLUDED_BY_SETTINGS), and a README in a language without a grammar.
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

/** Files the report must not read: .gitignore names the first; files.exclude hides the second. */
export const IGNORED_FILES: Record<string, string> = {
  'ignored_by_git.py': 'def ignored_by_git_helper():\n    return None\n',
  'build/generated_stub.py': 'def generated_stub_function():\n    return None\n',
};
/** The `files.exclude` the test sets in the user settings. */
export const FILES_EXCLUDE = { '**/build': true };

export const README = `# Sample workspace

Plain prose about connection pooling, in a language without a grammar.
`;

export function writeSampleWorkspace(root: string): string {
  const dir = join(root, 'workspace');
  mkdirSync(join(dir, 'build'), { recursive: true });
  for (const [name, text] of Object.entries({ ...SAMPLE_FILES, ...IGNORED_FILES })) writeFileSync(join(dir, name), text);
  writeFileSync(join(dir, '.gitignore'), 'ignored_by_git.py\n');
  writeFileSync(join(dir, 'README.md'), README);
  return dir;
}
