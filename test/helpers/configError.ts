import * as assert from "assert";

/** The message of the ConfigError that `fn` throws; fails the test when it throws none or another error. */
export function configErrorMessage(fn: () => unknown): string {
    try {
        fn();
    } catch (e) {
        assert.equal((e as Error).name, "ConfigError", String(e));
        return (e as Error).message;
    }
    assert.fail("no ConfigError thrown");
}
