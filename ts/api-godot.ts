// `wasgo/godot`: what each safety level lets a mod do in Godot (docs/godot-policy.md) — the
// same decisions the Godot addon makes, to check a mod's calls or document a game's API.
export {
  createPolicy, classDb, ancestry, nodePathDecision, nodePathAllowed, methodDecision, propertyDecision, signalDecision,
  singletonDecision, constructDecision, utilityDecision, POLICY_ENGINE_VERSION, MAX_NODE_PATH,
  type Policy, type PolicyAdditions, type Decision, type ClassInfo, type Level,
} from './godot/policy';
export { GodotPolicyDenied, levelNeededOf } from './godot/errors';
