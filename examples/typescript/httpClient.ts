// A typed HTTP client wrapper with retries and request cancellation.
export interface RetryPolicy {
  maxAttemptCount: number;
  initialBackoffMillis: number;
  backoffMultiplier: number;
}

export class HttpRequestError extends Error {
  constructor(readonly statusCode: number, readonly responseBodyText: string) {
    super(`request failed with status ${statusCode}`);
  }
}

export async function fetchJsonWithRetry<ResponsePayload>(
  requestUrl: string,
  retryPolicy: RetryPolicy,
  abortSignal?: AbortSignal,
): Promise<ResponsePayload> {
  let currentBackoffMillis = retryPolicy.initialBackoffMillis;
  for (let attemptNumber = 1; ; attemptNumber++) {
    const httpResponse = await fetch(requestUrl, { signal: abortSignal });
    if (httpResponse.ok) return (await httpResponse.json()) as ResponsePayload;
    const shouldRetryRequest = httpResponse.status >= 500 && attemptNumber < retryPolicy.maxAttemptCount;
    if (!shouldRetryRequest) throw new HttpRequestError(httpResponse.status, await httpResponse.text());
    await new Promise((resolveTimer) => setTimeout(resolveTimer, currentBackoffMillis));
    currentBackoffMillis *= retryPolicy.backoffMultiplier;
  }
}
