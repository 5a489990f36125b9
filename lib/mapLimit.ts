/**
 * Runs `fn` on every item with at most `limit` calls in flight, and answers the results in the
 * items' order, whatever order the calls finish in.
 *
 * On a failure no further call starts. The calls already in flight are let finish (their answers
 * are dropped), then the promise rejects with the error of the earliest item that failed. Items
 * start in order, so every item before the first failure has started by then: the error is the one
 * a plain sequential loop would have thrown, whatever the timing, and a lookup that fails for two
 * clusters always names the same one.
 */
export async function mapLimit<T, R>(
    items: readonly T[],
    limit: number,
    fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
    if (!Number.isInteger(limit) || limit < 1)
        throw new RangeError(`mapLimit: limit ${String(limit)} is not an integer of at least 1`);
    const results = new Array<R>(items.length);
    let next = 0;
    let failed: { index: number; error: unknown } | undefined;

    async function worker(): Promise<void> {
        while (!failed && next < items.length) {
            const index = next++;
            try {
                results[index] = await fn(items[index], index);
            } catch (error) {
                // Another worker may have failed meanwhile (TypeScript cannot see that across the await).
                const earlier = failed as { index: number } | undefined;
                if (!earlier || index < earlier.index) failed = { index, error };
            }
        }
    }

    await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
    if (failed) throw failed.error;
    return results;
}

/** The lookup concurrency when a stack sets none: calls in flight per region on AWS, per lookup on Azure and GCP. */
export const DEFAULT_LOOKUP_CONCURRENCY = 8;
/** The most a stack may set: a typo must not send hundreds of calls at once into an account's API rate. */
export const MAX_LOOKUP_CONCURRENCY = 64;

/**
 * mapLimit within each group (a region, with its own endpoint), the groups side by side; the
 * results in the items' order. A failure rejects with the error of the earliest failing group in
 * order of first appearance, within it the earliest failing item.
 */
export async function mapLimitPerGroup<T, R>(
    items: readonly T[],
    groupOf: (item: T) => string,
    limit: number,
    fn: (item: T) => Promise<R>,
): Promise<R[]> {
    const groups = new Map<string, number[]>();
    items.forEach((item, i) => {
        const key = groupOf(item);
        groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const results = new Array<R>(items.length);
    const indexes = [...groups.values()];
    await mapLimit(indexes, Math.max(1, indexes.length), async (group) => {
        const answers = await mapLimit(group, limit, (i) => fn(items[i]));
        group.forEach((i, k) => (results[i] = answers[k]));
    });
    return results;
}

/**
 * Awaits independent lookups together and answers their results in the given order. Every one is
 * let finish; on failures, the promise rejects with the error of the first failing one in the
 * given order: the error a sequential run of the same lookups would have thrown.
 */
export async function allInOrder<T extends readonly unknown[]>(lookups: {
    readonly [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
    const settled = await Promise.allSettled(lookups as readonly Promise<unknown>[]);
    const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failure) throw failure.reason;
    return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
