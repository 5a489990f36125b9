/**
 * The attack simulation's scenarios and the alerts each should raise (docs/sources.md: attack simulation), as typed data:
 * the plan lists them so that the reviewer knows what to look for in Defender afterwards.
 */

export const SCENARIOS = ["recon", "lateral-mov", "secrets", "crypto", "webshell", "all"] as const;
export type Scenario = (typeof SCENARIOS)[number];
export type SingleScenario = Exclude<Scenario, "all">;

export interface ScenarioFact {
    title: string;
    expectedAlerts: readonly string[];
}

export const SCENARIO_ALERTS: Record<SingleScenario, ScenarioFact> = {
    recon: {
        title: "reconnaissance",
        expectedAlerts: ["web shell activity", "suspicious service account operation", "network scanning tool"],
    },
    "lateral-mov": {
        title: "lateral movement",
        expectedAlerts: ["web shell activity", "access to cloud metadata service"],
    },
    secrets: {
        title: "secrets gathering",
        expectedAlerts: ["web shell activity", "sensitive files access", "secret reconnaissance"],
    },
    crypto: {
        title: "crypto mining",
        expectedAlerts: [
            "web shell activity",
            "CPU optimization",
            "command accessed ld.so.preload",
            "crypto miner download",
            "drift binary executing",
        ],
    },
    webshell: {
        title: "web shell",
        expectedAlerts: ["web shell activity"],
    },
};

/** The single scenarios a choice runs, in the table's order. */
export function scenariosOf(choice: Scenario): SingleScenario[] {
    return choice === "all" ? (Object.keys(SCENARIO_ALERTS) as SingleScenario[]) : [choice];
}

/** Each distinct alert the choice should raise, once, in first-seen order. */
export function expectedAlerts(choice: Scenario): string[] {
    return [...new Set(scenariosOf(choice).flatMap((s) => SCENARIO_ALERTS[s].expectedAlerts))];
}
