/**
 * The `gcp` section of a cloud-state file, written from what the program's GCP lookups were
 * answered (`lookup/recorder.ts`): the inverse of `lookup/gcp/stateFile.ts`. Every project and
 * organization a lookup asked about gets its entry (empty lists included: the file must say what
 * exists there, and nothing is an answer); "not found" is the object's absence.
 */
import { callsOf, RecordedCall } from "../recorder";
import {
    ExistingCustomRole,
    ExistingPool,
    ExistingPoolProvider,
    ExistingServiceAccount,
    GkeClusterFacts,
    Grant,
    IamParent,
} from "./port";
import { byKey } from "../stateExport";

type Entry = Record<string, unknown[]>;

const sortedGrants = (grants: Grant[]) =>
    byKey(
        [...new Map(grants.map((g) => [`${g.role} ${g.member}`, { role: g.role, member: g.member }])).values()],
        (g) => `${g.role} ${g.member}`,
    );

const federation = (f: ExistingPool) => ({
    displayName: f.displayName,
    description: f.description,
    disabled: f.disabled,
    state: f.state,
});

export function gcpStateSection(calls: readonly RecordedCall[]): Record<string, unknown> {
    const projects = new Map<string, Entry>();
    const organizations = new Map<string, Entry>();
    const project = (id: string): Entry => {
        let p = projects.get(id);
        if (!p) {
            p = { clusters: [], serviceAccounts: [], customRoles: [], grants: [], workloadIdentityPools: [] };
            projects.set(id, p);
        }
        return p;
    };
    const parent = (p: IamParent): Entry => {
        if (p.kind === "project") return project(p.id);
        let o = organizations.get(p.id);
        if (!o) {
            o = { customRoles: [], grants: [] };
            organizations.set(p.id, o);
        }
        return o;
    };
    for (const c of callsOf(calls, "listClusters")) {
        const clusters = c.answer as GkeClusterFacts[];
        project(c.args[0] as string).clusters.push(
            ...clusters.map((k) => ({ name: k.name, location: k.location, labels: k.labels })),
        );
    }
    const saGrants = new Map<string, Grant[]>();
    for (const c of callsOf(calls, "serviceAccountGrants"))
        saGrants.set(`${c.args[0] as string} ${c.args[1] as string}`, c.answer as Grant[]);
    for (const c of callsOf(calls, "serviceAccount")) {
        const a = c.answer as ExistingServiceAccount | undefined;
        const [projectId, accountId] = c.args as [string, string];
        const entry = project(projectId);
        if (!a) continue;
        entry.serviceAccounts.push({
            accountId,
            displayName: a.displayName,
            description: a.description,
            disabled: a.disabled,
            grants: sortedGrants(saGrants.get(`${projectId} ${a.email}`) ?? []),
        });
    }
    for (const c of callsOf(calls, "customRole")) {
        const r = c.answer as ExistingCustomRole | undefined;
        const [p, roleId] = c.args as [IamParent, string];
        const entry = parent(p);
        if (!r) continue;
        entry.customRoles.push({
            roleId,
            title: r.title,
            description: r.description,
            permissions: r.permissions,
            stage: r.stage,
            deleted: r.deleted,
        });
    }
    for (const c of callsOf(calls, "grants")) parent(c.args[0] as IamParent).grants.push(...(c.answer as Grant[]));
    const providers = new Map<string, (ExistingPoolProvider & { providerId: string })[]>();
    for (const c of callsOf(calls, "workloadIdentityPoolProvider")) {
        const [projectId, poolId, providerId] = c.args as [string, string, string];
        const p = c.answer as ExistingPoolProvider | undefined;
        if (!p) continue;
        const key = `${projectId} ${poolId}`;
        providers.set(key, [...(providers.get(key) ?? []), { ...p, providerId }]);
    }
    for (const c of callsOf(calls, "workloadIdentityPool")) {
        const [projectId, poolId] = c.args as [string, string];
        const w = c.answer as ExistingPool | undefined;
        const entry = project(projectId);
        if (!w) continue;
        entry.workloadIdentityPools.push({
            poolId,
            ...federation(w),
            providers: byKey(providers.get(`${projectId} ${poolId}`) ?? [], (p) => p.providerId).map((p) => ({
                providerId: p.providerId,
                ...federation(p),
                attributeMapping: p.attributeMapping,
                attributeCondition: p.attributeCondition,
                issuerUri: p.issuerUri,
                allowedAudiences: p.allowedAudiences,
            })),
        });
    }
    const finish = (e: Entry): Entry =>
        Object.fromEntries(
            Object.entries(e).map(([k, items]) => [
                k,
                k === "grants"
                    ? sortedGrants(items as Grant[])
                    : byKey(items as Record<string, string>[], (x) =>
                          k === "clusters" ? `${x.location}\u0000${x.name}` : (x.accountId ?? x.roleId ?? x.poolId),
                      ),
            ]),
        );
    const keyed = (m: Map<string, Entry>) =>
        Object.fromEntries(byKey([...m.entries()], ([k]) => k).map(([k, e]) => [k, finish(e)]));
    return {
        projects: keyed(projects),
        ...(organizations.size > 0 ? { organizations: keyed(organizations) } : {}),
    };
}
