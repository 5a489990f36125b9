/**
 * The lines that differ between two texts, as `-` (only in `before`) and `+` (only in `after`)
 * lines, each after `@@ line N` naming where it starts in `before`: a longest-common-subsequence
 * diff, enough for files of a few thousand lines. Empty when the texts are equal.
 */
export function lineDiff(before: string, after: string): string[] {
    const a = before.split("\n");
    const b = after.split("\n");
    // Common head and tail first: a change in the cloud touches a few lines of a long file.
    let head = 0;
    while (head < a.length && head < b.length && a[head] === b[head]) head++;
    let tail = 0;
    while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail])
        tail++;
    const x = a.slice(head, a.length - tail);
    const y = b.slice(head, b.length - tail);
    if (x.length === 0 && y.length === 0) return [];
    // lcs[i][j]: the longest common subsequence of x[i..] and y[j..].
    const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
    for (let i = x.length - 1; i >= 0; i--)
        for (let j = y.length - 1; j >= 0; j--)
            lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    const out: string[] = [];
    let [i, j] = [0, 0];
    let inHunk = false;
    while (i < x.length || j < y.length) {
        if (i < x.length && j < y.length && x[i] === y[j]) {
            inHunk = false;
            i++;
            j++;
            continue;
        }
        if (!inHunk) out.push(`@@ line ${head + i + 1}`);
        inHunk = true;
        if (j >= y.length || (i < x.length && lcs[i + 1][j] >= lcs[i][j + 1])) out.push(`-${x[i++]}`);
        else out.push(`+${y[j++]}`);
    }
    return out;
}
