import { strict as assert } from "assert";
import { redactUrl, safeReason } from "../../../lib/kube/redact";

// What may be stored or printed of a server URL and of a credential plug-in's error output.
describe("redaction of server URLs", () => {
    it("replaces user:password@, a user alone or a password alone, keeping the rest of the URL as written", () => {
        assert.deepEqual(
            [
                "https://admin:s3cret@api.example:6443/",
                "https://admin:s3cret@api.example:6443",
                "http://admin@10.0.0.1/path/",
                "https://:pw@h/x?y=1",
            ].map(redactUrl),
            [
                "https://REDACTED@api.example:6443/",
                "https://REDACTED@api.example:6443",
                "http://REDACTED@10.0.0.1/path/",
                "https://REDACTED@h/x?y=1",
            ],
        );
    });

    it("returns a URL without user info, and text that is no URL, exactly as given", () => {
        for (const s of ["https://api.example:6443", "https://h/", "HTTPS://H:443", "not a url", "api.example:6443"])
            assert.equal(redactUrl(s), s);
    });
});

describe("a plug-in's error output as a safe reason", () => {
    it("keeps the last non-empty line, trimmed", () => {
        assert.equal(safeReason("first\r\n  second line  \r\n\n \n"), "second line");
        assert.equal(safeReason(""), "");
        assert.equal(safeReason("\n\n"), "");
    });

    it("redacts the value of each key that names a secret, keeping the key and its separator", () => {
        const cases: [string, string][] = [
            ["token=abc123", "token=REDACTED"],
            ["access_token: abc123", "access_token: REDACTED"],
            ["access-token=abc", "access-token=REDACTED"],
            ["accesstoken=abc", "accesstoken=REDACTED"],
            ['"secret": "abc123"', '"secret": "REDACTED"'],
            ["PASSWORD = abc", "PASSWORD = REDACTED"],
            ["passwd=a pwd=b", "passwd=REDACTED pwd=REDACTED"],
            ["api_key=k1 api-key=k2 apikey=k3", "api_key=REDACTED api-key=REDACTED apikey=REDACTED"],
            ["authorization: xyz", "authorization: REDACTED"],
            ["credential='c1'", "credential='REDACTED'"],
            [
                "client_secret=s client-secret=t clientsecret=u",
                "client_secret=REDACTED client-secret=REDACTED clientsecret=REDACTED",
            ],
            ["token=abc,next", "token=REDACTED,next"],
            ["token=abc;next", "token=REDACTED;next"],
            ["mytoken=abc", "mytoken=abc"],
            ["token abc", "token abc"],
        ];
        for (const [text, safe] of cases) assert.equal(safeReason(text), safe, text);
    });

    it("redacts Bearer and Basic credentials, user:password@ in URLs, JWTs and long key material", () => {
        const cases: [string, string][] = [
            ["header Bearer abc.def-ghi_jkl~+/= done", "header Bearer REDACTED done"],
            ["Basic   dXNlcjpwdw== end", "Basic REDACTED end"],
            ["bearer abc", "bearer abc"],
            ["see https://bob:pw@h/ and s3://k@b", "see https://REDACTED@h/ and s3://REDACTED@b"],
            ["jwt eyJhbGciOi.eyJzdWIi.c2ln end", "jwt REDACTED end"],
            ["jwt eyJhbGciOi.eyJzdWIi end", "jwt REDACTED end"],
            [`key ${"A".repeat(32)}== end`, "key REDACTED end"],
            [`key ${"a1+/_-".repeat(6)} end`, "key REDACTED end"],
            [`short ${"A".repeat(31)} end`, `short ${"A".repeat(31)} end`],
        ];
        for (const [text, safe] of cases) assert.equal(safeReason(text), safe, text);
    });

    it("cuts a reason over the limit to the limit, ending in an ellipsis", () => {
        assert.equal(safeReason("x".repeat(10), 10), "x".repeat(10));
        assert.equal(safeReason("x ".repeat(10), 10), `${"x ".repeat(4)}x…`);
        assert.equal(safeReason("no such host ".repeat(30)), `${"no such host ".repeat(30).slice(0, 199)}…`);
    });
});
