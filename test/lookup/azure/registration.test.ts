import { strict as assert } from "assert";
import { armCode, isUnregistered, UNREGISTERED_CODES } from "../../../lookup/azure/registration";

describe("an unregistered resource provider (ARM's codes)", () => {
    it("knows ARM's MissingSubscriptionRegistration and a provider's SubscriptionNotRegistered, in any case and spacing", () => {
        assert.deepEqual(UNREGISTERED_CODES, ["MissingSubscriptionRegistration", "SubscriptionNotRegistered"]);
        for (const code of [
            "MissingSubscriptionRegistration",
            "missingsubscriptionregistration",
            "SubscriptionNotRegistered",
            "Subscription Not Registered",
        ])
            assert.equal(isUnregistered(code), true, code);
    });

    it("reads no other code as unregistered: a wrong subscription, a wrong api-version or location, a missing parent", () => {
        for (const code of [
            undefined,
            "",
            "NotFound",
            "SubscriptionNotFound",
            "ResourceGroupNotFound",
            "ParentResourceNotFound",
            "NoRegisteredProviderFound",
            "MissingRegistrationForLocation",
            "AuthorizationFailed",
        ])
            assert.equal(isUnregistered(code), false, String(code));
    });

    it("takes the code from ARM's error body, and nothing from a body that is not one", () => {
        assert.equal(
            armCode('{"error":{"code":"MissingSubscriptionRegistration","message":"m"}}'),
            "MissingSubscriptionRegistration",
        );
        assert.equal(armCode('{"error":{"code":5}}'), undefined);
        assert.equal(armCode("<html>"), undefined);
        assert.equal(armCode(undefined), undefined);
    });
});
