/** Settings: who may open the site, each with a token of their own (fact 40). */
import { ACCESS_KINDS } from "../../domain";
import type { Setting } from "./setting";

export const ACCESS_SETTINGS = [
  {
    key: "access",
    type: "records",
    default: [],
    fields: {
      name: {
        type: "string",
        required: true,
        example: '"Grandma"',
        description: "whom the token is for; its first letters start the token",
      },
      roles: {
        type: "array",
        required: true,
        example: "readable",
        description: "what the token lets its holder do (built-in roles or accessRoles)",
      },
      kind: {
        type: "string",
        oneOf: ACCESS_KINDS,
        example: "follower",
        description: "follower (watches; the default) or uploader (a device that writes)",
      },
      note: { type: "string", example: '"her phone"', description: "a reminder for the operator" },
      rotate: {
        type: "integer",
        range: [0, 1_000_000],
        example: "1",
        description: "raise it by one to issue a new token and revoke the old",
      },
      allowAdmin: {
        type: "boolean",
        example: "true",
        description: "acknowledges that admin hands over the whole site",
      },
    },
    description:
      "Who may open the site, one entry each: name, roles, optional kind (follower or uploader), note, rotate (raise to issue a new token) and allowAdmin. Set with pulumi config set --path 'access[0].name' Grandma.",
  },
  {
    key: "accessRoles",
    type: "records",
    default: [],
    fields: {
      name: {
        type: "string",
        required: true,
        example: '"treatments-only"',
        description: "the role's name, as access entries name it",
      },
      permissions: {
        type: "array",
        required: true,
        example: "api:treatments:create",
        description: "Nightscout permissions, such as api:treatments:create or *:*:read",
      },
      note: { type: "string", example: '"for the school"', description: "a reminder" },
    },
    description:
      "Custom Nightscout roles the access entries may name: name and permissions (api:treatments:create, *:*:read).",
  },
] as const satisfies readonly Setting[];
