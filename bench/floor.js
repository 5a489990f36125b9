"use strict";
/**
 * The floor of a snapshot (issue 13, speed): fetch every page of the given list paths from one API
 * server, `limit=500` and `continue` as the snapshot pages, and parse each page; nothing else.
 * Plain JavaScript run by plain `node`, so its start-up is Node's alone.
 *   node bench/floor.js URL PATH...    prints the number of objects read
 */
const http = require("http");

const [base, ...paths] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true });

/**
 * A kept-alive socket the server closes just as a request goes out ends in ECONNRESET ("socket hang
 * up"); the snapshot's client retries such a request, and so does the floor, once.
 */
function get(url, retried = false) {
    return getOnce(url).catch((e) => {
        if (retried || e.code !== "ECONNRESET") throw e;
        return get(url, true);
    });
}

function getOnce(url) {
    return new Promise((resolve, reject) => {
        http.get(url, { agent, headers: { Accept: "application/json" } }, (res) => {
            const chunks = [];
            res.on("data", (c) => chunks.push(c));
            res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
            res.on("error", reject);
        }).on("error", reject);
    });
}

(async () => {
    let objects = 0;
    for (const p of paths) {
        let token;
        do {
            const r = await get(`${base}${p}?limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`);
            if (r.status === 404) break;
            if (r.status !== 200) throw new Error(`GET ${p}: ${r.status}`);
            const list = JSON.parse(r.body);
            objects += Array.isArray(list.items) ? list.items.length : 0;
            token = list.metadata && list.metadata.continue;
        } while (token);
    }
    agent.destroy();
    process.stdout.write(`${objects} objects\n`);
})().catch((e) => {
    process.stderr.write(`${e.stack || e}\n`);
    process.exit(1);
});
