/** The host's failure as a sentence: a message that does not end one gets its full stop. */
export function problemSentence(problem: string): string {
  const text = problem.trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** Why the host cannot be trusted now, and that what the screen shows is stale; nothing while there is no problem. */
export function HostProblem({ problem }: { problem: string | null }) {
  if (!problem) return null;
  return (
    <p className="host-problem" role="alert" data-testid="host-problem">
      {problemSentence(problem)} Values shown are stale.
    </p>
  );
}
