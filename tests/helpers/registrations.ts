import { capture } from "../../tools/lib/capture";

/**
 * Builds inside capture() and returns what `build` threw synchronously and every registration
 * that reached the mocks, with the provider it went through.
 */
export async function registrationsOf(build: () => unknown) {
  let thrown: unknown;
  const { registrations } = await capture({
    stack: "unit",
    loadProgram: () => {
      try {
        build();
      } catch (error) {
        thrown = error;
      }
    },
  });
  return { reached: registrations, thrown };
}
