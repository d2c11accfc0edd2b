/** The DOM id of a node's treeitem (the prefix is the tree's own, so two trees never share ids). */
export const treeItemId = (prefix: string, nodeId: string) => `${prefix}-${nodeId}`;
