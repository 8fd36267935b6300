/** The mcp command's part of the CLI usage (kept apart so other commands do not load the MCP SDK). */
export const MCP_USAGE = `  mcp [--tools LIST] [--read-only] [--allow-live-writes]
                                           serve every action as an MCP tool over stdio;
                                           --tools customers,charges.read,create_refund picks
                                           actions, groups or a group's read/write half`;
