import { strict as assert } from "assert";
import { isPlainRemoteHttp } from "../../../lib/kube/kubeconfig";

describe("kubeconfig: which plain http:// servers count as this machine", () => {
    it("counts localhost, 127.x.y.z and [::1] as loopback", () => {
        for (const server of [
            "http://localhost:8001",
            "http://LOCALHOST",
            "http://127.0.0.1:8001",
            "http://127.1.2.3",
            "http://[::1]:8001",
        ])
            assert.equal(isPlainRemoteHttp(server), false, server);
    });

    it("treats a host that merely ends in localhost as remote", () => {
        for (const server of ["http://evil-localhost:8001", "http://attacker.localhost.example", "http://notlocalhost"])
            assert.equal(isPlainRemoteHttp(server), true, server);
        assert.equal(isPlainRemoteHttp("http://evil.localhost"), true);
    });

    it("treats a host that merely starts with localhost or a loopback address as remote", () => {
        for (const server of [
            "http://localhost.attacker.example:8001",
            "http://localhostx",
            "http://127.0.0.1.example",
            "http://x.127.0.0.1.example",
            "http://127.0.0.1.nip.io:8001",
        ])
            assert.equal(isPlainRemoteHttp(server), true, server);
    });

    it("lets a credential go over https:// to any host, and over http:// only to loopback", () => {
        assert.deepEqual(
            ["https://localhost", "https://api.example", "http://api.example", "HTTP://127.0.0.1"].map(
                isPlainRemoteHttp,
            ),
            [false, false, true, false],
        );
    });

    it("never takes a host that merely ends in a loopback address for loopback: the URL parser refuses it", () => {
        // A host whose last label is a number must be a whole IPv4 address (WHATWG URL), so no name
        // can end in 127.x.y.z; an IPv6 host is bracketed whole, so none can end in [::1].
        for (const server of [
            "http://a.127.0.0.1:8001",
            "http://x127.0.0.1",
            "http://1127.0.0.1",
            "http://[fe80::1]:8001",
        ]) {
            let answer: boolean | string;
            try {
                answer = isPlainRemoteHttp(server);
            } catch (e) {
                answer = (e as Error).message;
            }
            assert.notEqual(answer, false, server);
        }
        assert.equal(isPlainRemoteHttp("http://[fe80::1]:8001"), true);
    });
});
