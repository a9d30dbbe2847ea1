// HubSpot contact property definitions: the built-ins, custom ones, groups, and value validation.
import { isEmail, isRecord, isoNow } from "./util";

export class HubspotError extends Error {
  constructor(
    public status: number,
    public category: string,
    message: string,
    public extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export type PropertyOption = {
  label: string;
  value: string;
  description?: string;
  displayOrder: number;
  hidden: boolean;
};

export type PropertyDef = {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  description: string;
  options: PropertyOption[];
  displayOrder: number;
  hasUniqueValue: boolean;
  hidden: boolean;
  formField: boolean;
  hubspotDefined: boolean;
  readOnlyValue: boolean;
  createdAt: string;
  updatedAt: string;
};

export type PropertyGroup = { name: string; label: string; displayOrder: number; archived: boolean };

const TYPES = ["string", "number", "date", "datetime", "enumeration", "bool", "phone_number"];
const FIELD_TYPES = [
  "textarea",
  "text",
  "date",
  "file",
  "number",
  "select",
  "radio",
  "checkbox",
  "booleancheckbox",
  "calculation_equation",
  "html",
  "phonenumber",
];

const LIFECYCLE = [
  "subscriber",
  "lead",
  "marketingqualifiedlead",
  "salesqualifiedlead",
  "opportunity",
  "customer",
  "evangelist",
  "other",
];

function builtIn(
  name: string,
  label: string,
  type: string,
  fieldType: string,
  extra: Partial<PropertyDef> = {},
): PropertyDef {
  const at = "2019-08-06T02:41:52.000Z";
  return {
    name,
    label,
    type,
    fieldType,
    groupName: "contactinformation",
    description: "",
    options: [],
    displayOrder: -1,
    hasUniqueValue: false,
    hidden: false,
    formField: true,
    hubspotDefined: true,
    readOnlyValue: false,
    createdAt: at,
    updatedAt: at,
    ...extra,
  };
}

export function builtInProperties(): PropertyDef[] {
  return [
    builtIn("email", "Email", "string", "text"),
    builtIn("firstname", "First Name", "string", "text"),
    builtIn("lastname", "Last Name", "string", "text"),
    builtIn("phone", "Phone Number", "string", "phonenumber"),
    builtIn("company", "Company Name", "string", "text"),
    builtIn("lifecyclestage", "Lifecycle Stage", "enumeration", "radio", {
      options: LIFECYCLE.map((value, i) => ({ label: value, value, displayOrder: i, hidden: false })),
    }),
    builtIn("createdate", "Create Date", "datetime", "date", { formField: false }),
    builtIn("lastmodifieddate", "Last Modified Date", "datetime", "date", { formField: false, readOnlyValue: true }),
    builtIn("hs_object_id", "Record ID", "number", "number", { formField: false, readOnlyValue: true }),
  ];
}

export function builtInGroups(): PropertyGroup[] {
  return [
    { name: "contactinformation", label: "Contact information", displayOrder: 0, archived: false },
    { name: "sales_properties", label: "Sales properties", displayOrder: 1, archived: false },
  ];
}

/** The Property shape the API returns. */
export function toProperty(def: PropertyDef): Record<string, unknown> {
  const { readOnlyValue, ...rest } = def;
  return {
    ...rest,
    calculated: false,
    externalOptions: false,
    archived: false,
    modificationMetadata: { archivable: !def.hubspotDefined, readOnlyDefinition: def.hubspotDefined, readOnlyValue },
  };
}

function validation(message: string): HubspotError {
  return new HubspotError(400, "VALIDATION_ERROR", message);
}

/** Builds a custom property from a PropertyCreate body, or throws the 400 HubSpot would answer. */
export function newProperty(
  body: unknown,
  groups: Map<string, PropertyGroup>,
  exists: (name: string) => boolean,
): PropertyDef {
  if (!isRecord(body)) throw validation("Invalid input JSON: expected a PropertyCreate object");
  for (const field of ["name", "label", "type", "fieldType", "groupName"]) {
    if (typeof body[field] !== "string" || body[field] === "") throw validation(`Missing required field "${field}"`);
  }
  const name = String(body.name);
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    throw validation(
      `Property name "${name}" is invalid: use lower-case letters, digits and underscores, starting with a letter`,
    );
  }
  if (exists(name)) throw new HubspotError(409, "OBJECT_ALREADY_EXISTS", `Property named '${name}' already exists.`);
  if (!TYPES.includes(String(body.type)))
    throw validation(`Invalid type "${body.type}"; expected one of ${TYPES.join(", ")}`);
  if (!FIELD_TYPES.includes(String(body.fieldType))) throw validation(`Invalid fieldType "${body.fieldType}"`);
  if (!groups.has(String(body.groupName))) throw validation(`Property group ${body.groupName} does not exist.`);
  const options = Array.isArray(body.options) ? body.options.filter(isRecord) : [];
  if (body.type === "enumeration" && options.length === 0 && body.fieldType !== "checkbox") {
    throw validation(`Enumeration property "${name}" needs options`);
  }
  const at = isoNow();
  return {
    name,
    label: String(body.label),
    type: String(body.type),
    fieldType: String(body.fieldType),
    groupName: String(body.groupName),
    description: typeof body.description === "string" ? body.description : "",
    options: options.map((o, i) => ({
      label: String(o.label ?? o.value),
      value: String(o.value),
      description: typeof o.description === "string" ? o.description : "",
      displayOrder: Number(o.displayOrder ?? i),
      hidden: o.hidden === true,
    })),
    displayOrder: Number(body.displayOrder ?? -1),
    hasUniqueValue: body.hasUniqueValue === true,
    hidden: body.hidden === true,
    formField: body.formField === true,
    hubspotDefined: false,
    readOnlyValue: false,
    createdAt: at,
    updatedAt: at,
  };
}

type ValueError = { isValid: false; message: string; error: string; name: string; localizedErrorMessage: string };

function valueError(name: string, error: string, message: string): ValueError {
  return { isValid: false, message, error, name, localizedErrorMessage: message };
}

function checkValue(def: PropertyDef, value: string): ValueError | undefined {
  if (value === "") return undefined; // "" clears a value
  if (def.name === "email" && !isEmail(value))
    return valueError(def.name, "INVALID_EMAIL", `Email address ${value} is invalid`);
  if (def.type === "number" && !Number.isFinite(Number(value))) {
    return valueError(def.name, "INVALID_LONG", `${value} was not a valid number.`);
  }
  if (def.type === "bool" && value !== "true" && value !== "false") {
    return valueError(def.name, "INVALID_BOOLEAN", `${value} was not a valid boolean (true/false).`);
  }
  if (
    (def.type === "date" || def.type === "datetime") &&
    Number.isNaN(Number(value)) &&
    Number.isNaN(Date.parse(value))
  ) {
    return valueError(def.name, "INVALID_DATE", `${value} was not a valid date or timestamp.`);
  }
  if (def.type === "enumeration") {
    const allowed = def.options.map((o) => o.value);
    const values = def.fieldType === "checkbox" ? value.split(";") : [value];
    const bad = values.find((v) => !allowed.includes(v));
    if (bad !== undefined) {
      return valueError(
        def.name,
        "INVALID_OPTION",
        `${bad} was not one of the allowed options: [${allowed.join(", ")}]`,
      );
    }
  }
  return undefined;
}

/** Checks a properties map against the definitions; returns string values or throws the 400 HubSpot answers. */
export function validateValues(input: unknown, defs: Map<string, PropertyDef>): Record<string, string> {
  if (input !== undefined && !isRecord(input)) throw validation("Invalid input JSON: properties must be an object");
  const out: Record<string, string> = {};
  const errors: ValueError[] = [];
  for (const [name, raw] of Object.entries(input ?? {})) {
    const def = defs.get(name);
    const value = raw === null || raw === undefined ? "" : String(raw);
    if (!def) {
      errors.push(valueError(name, "PROPERTY_DOESNT_EXIST", `Property "${name}" does not exist`));
      continue;
    }
    if (def.readOnlyValue) {
      errors.push(
        valueError(name, "READ_ONLY_VALUE", `Property "${name}" is a read only property; its value cannot be set.`),
      );
      continue;
    }
    const bad = checkValue(def, value);
    if (bad) errors.push(bad);
    else out[name] = name === "email" ? value.toLowerCase() : value;
  }
  if (errors.length > 0) {
    throw new HubspotError(400, "VALIDATION_ERROR", `Property values were not valid: ${JSON.stringify(errors)}`, {
      errors: errors.map((e) => ({ message: e.message, code: e.error, context: { propertyName: [e.name] } })),
    });
  }
  return out;
}
