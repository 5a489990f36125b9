/**
 * Errors the program raises inside an apply, where a throw rejects a promise that Pulumi's runtime
 * only waits on: under the mock runtime the run then simply stops with the error unseen. Such
 * errors are recorded here and reported: by the offline plan as its result, and under the Pulumi
 * CLI through `pulumi.log.error`, which fails the update with the message.
 */
const recorded: { error: Error; message: string }[] = [];
let sink: ((e: Error) => void) | undefined;

export function setProgramErrorSink(fn: ((e: Error) => void) | undefined): void {
    sink = fn;
}

/** Records the error and returns it, for `throw failProgram(new X(...))` inside an apply. */
export function failProgram<E extends Error>(e: E): E {
    // The SDK prefixes the message of an error it carries ("error serializing property ..."):
    // keep the program's own words.
    recorded.push({ error: e, message: e.message });
    sink?.(e);
    return e;
}

export function takeProgramErrors(): Error[] {
    return recorded.splice(0, recorded.length).map(({ error, message }) => {
        error.message = message;
        return error;
    });
}
