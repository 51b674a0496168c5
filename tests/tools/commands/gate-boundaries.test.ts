/**
 * Issue 20's kinds through the offline gate's reading of a command line (`npm run check:policy --
 * --stack <s> --set k=v`), in-process: for each kind, a value just inside the boundary passes
 * and one just outside is refused with the key named. The YAML kinds go through the gate's
 * stack-file reading in tests/config/stack-file.test.ts; the whole program under mocks is
 * tests/config/slip-kinds.test.ts.
 */
import { gateReading } from "../../helpers/gate";

const gateReads = (stack: string, sets: Record<string, string>) =>
  gateReading([
    "--stack",
    stack,
    ...Object.entries(sets).flatMap(([k, v]) => ["--set", `${k}=${v}`]),
  ]);

type Row = [
  kind: string,
  stack: string,
  inside: Record<string, string>,
  outside: Record<string, string>,
  refusal: RegExp,
];

const ROWS: Row[] = [
  [
    "contradicting namespaces",
    "staging",
    { namespace: "nightscout-cnpg" },
    { namespace: "cnpg-system" },
    /nightscout:namespace = "cnpg-system"/,
  ],
  [
    "a CPU request in memory units",
    "staging",
    { postgresCpuRequest: "500m" },
    { postgresCpuRequest: "500Mi" },
    /nightscout:postgresCpuRequest = "500Mi"/,
  ],
  [
    "memory in milli-units",
    "staging",
    { nightscoutMemoryRequest: "256Mi" },
    { nightscoutMemoryRequest: "256m" },
    /nightscout:nightscoutMemoryRequest = "256m"/,
  ],
  [
    "an image the kubelet cannot parse",
    "staging",
    { nightscoutImage: "nightscout/cgm-remote-monitor:15.0.7" },
    { nightscoutImage: "Nightscout/cgm-remote-monitor:15.0.7" },
    /nightscout:nightscoutImage = "Nightscout/,
  ],
  [
    "a schedule more often than hourly",
    "production",
    { backupSchedule: "0 0 * * * *" },
    { backupSchedule: "0 */30 * * * *" },
    /nightscout:backupSchedule = "0 \*\/30 \* \* \* \*"/,
  ],
  [
    "day of week 7, which robfig/cron refuses",
    "production",
    { backupSchedule: "0 0 3 * * 6" },
    { backupSchedule: "0 0 3 * * 7" },
    /nightscout:backupSchedule = "0 0 3 \* \* 7"/,
  ],
  [
    "an object store CNPG cannot write with S3 keys",
    "production",
    { backupDestinationPath: "s3://backups/ns" },
    { backupDestinationPath: "gs://backups/ns" },
    /nightscout:backupDestinationPath = "gs:\/\/backups\/ns"/,
  ],
  [
    "whitespace around a value",
    "staging",
    { hostname: "ns.example.org" },
    { hostname: "ns.example.org " },
    /nightscout:hostname = "ns.example.org ": has whitespace/,
  ],
  [
    "dbSizeMaxMiB at the volume's size",
    "staging",
    { dbSizeMaxMiB: "5119" },
    { dbSizeMaxMiB: "5120" },
    /nightscout:dbSizeMaxMiB = "5120"/,
  ],
  [
    "a writing anonymous role in production",
    "production",
    { authDefaultRoles: '["denied"]' },
    { authDefaultRoles: '["careportal"]' },
    /nightscout:authDefaultRoles/,
  ],
  [
    "a threshold finer than it is rendered",
    "production",
    { bgHigh: "13.9" },
    { bgHigh: "13.95" },
    /nightscout:bgHigh = "13.95": may have at most 1 decimal/,
  ],
  [
    "a misspelled namespace",
    "staging",
    { "nightscout:alarmTypes": "simple" },
    { "nightscuot:alarmTypes": "simple" },
    /nightscuot:alarmTypes: "nightscuot" is not this project's namespace/,
  ],
];

describe.each(ROWS)("%s (%s)", (_kind, stack, inside, outside, refusal) => {
  test("just inside passes", () => expect(gateReads(stack, inside)).not.toThrow());
  test("just outside is refused with the key named", () =>
    expect(gateReads(stack, outside)).toThrow(refusal));
});
