/**
 * Counts calls in flight, overall and per group (a region, a project), the most seen at once, and
 * the order calls started in: what a concurrency limit is asserted against.
 */
export interface InFlight {
    /** Labels in the order the calls started. */
    readonly started: string[];
    /** The most calls in flight at once in the group ("" for all). */
    max(group?: string): number;
    /** Runs `answer` after `ms` milliseconds, counted in `groups` and in the total. */
    run<R>(groups: string[], label: string, ms: number, answer: () => R | Promise<R>): Promise<R>;
}

export function inFlight(): InFlight {
    const now = new Map<string, number>();
    const max = new Map<string, number>();
    const started: string[] = [];
    return {
        started,
        max: (g = "") => max.get(g) ?? 0,
        async run(groups, label, ms, answer) {
            started.push(label);
            const all = ["", ...groups];
            for (const g of all) {
                now.set(g, (now.get(g) ?? 0) + 1);
                max.set(g, Math.max(max.get(g) ?? 0, now.get(g)!));
            }
            try {
                await new Promise((r) => setTimeout(r, ms));
                return await answer();
            } finally {
                for (const g of all) now.set(g, now.get(g)! - 1);
            }
        },
    };
}
