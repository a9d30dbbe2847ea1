export * from "./customers";
export * from "./entitlements";
export * from "./events";
export * from "./support";
export * from "./alerts";
export * from "./audit";
export * from "./users";
export * from "./deliveries";
