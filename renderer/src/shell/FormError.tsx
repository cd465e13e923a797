/** Why a form's action failed, announced to screen readers; nothing while there is no failure. */
export function FormError({ message, testId }: { message: string | null | undefined; testId?: string }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert" data-testid={testId}>
      {message}
    </p>
  );
}

/** The schema's or the host's objections, one a line, each naming its key; nothing while there are none. */
export function FormIssues({ issues, testId }: { issues: readonly string[]; testId: string }) {
  if (issues.length === 0) return null;
  return (
    <ul className="form-error" role="alert" data-testid={testId}>
      {issues.map((issue) => (
        <li key={issue}>{issue}</li>
      ))}
    </ul>
  );
}
