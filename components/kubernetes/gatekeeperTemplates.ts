import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { PACKAGE_ROOT } from "../../lib/packageRoot";
import { CEL_ENGINE, CONSTRAINT_TEMPLATE_API_VERSION, GATEKEEPER_TARGET } from "../../domain/kubernetes/facts";
import { CelSource, ConstraintTemplateDoc } from "../../domain/kubernetes/gatekeeperPolicies";

/** The ConstraintTemplates the package ships, one folder each: policies/gatekeeper/<dir>/template.yaml. */
export const POLICY_DIR = path.join(PACKAGE_ROOT, "policies", "gatekeeper");

/**
 * Reads and checks one template: Gatekeeper requires name == lower-case kind; every template we
 * ship must carry a CEL (`K8sNativeValidation`) block, the one the tests evaluate. The library's
 * templates carry a Rego block beside it, which Gatekeeper uses where CEL is not enabled.
 */
export function loadTemplate(dir: string, root = POLICY_DIR): ConstraintTemplateDoc {
    return loadTemplateFile(path.join(root, dir, "template.yaml"));
}

export function loadTemplateFile(file: string): ConstraintTemplateDoc {
    const doc = parseYaml(fs.readFileSync(file, "utf8")) as ConstraintTemplateDoc;
    const fail = (why: string) => {
        throw new Error(`${file}: ${why}`);
    };
    if (doc?.apiVersion !== CONSTRAINT_TEMPLATE_API_VERSION || doc.kind !== "ConstraintTemplate")
        fail(`not a ${CONSTRAINT_TEMPLATE_API_VERSION} ConstraintTemplate`);
    const kind = doc.spec?.crd?.spec?.names?.kind;
    if (!kind || doc.metadata?.name !== kind.toLowerCase()) fail(`metadata.name must be the lower-case kind (${kind})`);
    const target = doc.spec.targets?.[0];
    if (doc.spec.targets.length !== 1 || target.target !== GATEKEEPER_TARGET) fail(`one target, ${GATEKEEPER_TARGET}`);
    const cel = target.code?.filter((c) => c.engine === CEL_ENGINE) ?? [];
    if (cel.length !== 1) fail(`exactly one code block in the ${CEL_ENGINE} engine (found ${cel.length})`);
    const other = target.code!.filter((c) => c.engine !== CEL_ENGINE && c.engine !== "Rego");
    if (other.length) fail(`unknown engine ${other[0].engine}; allowed: ${CEL_ENGINE}, Rego`);
    if (!(cel[0].source as CelSource)?.validations?.length) fail("at least one validation");
    return doc;
}
