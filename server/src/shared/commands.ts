/** Command ids, as contributed in package.json. */
export const COMMANDS = {
  toggleInlineCompletions: "hearth.toggleInlineCompletions",
  restartServer: "hearth.restartServer",
  showLog: "hearth.showLog",
  showStatus: "hearth.showStatus",
  openChat: "hearth.openChat",
  addSelectionToChat: "hearth.addSelectionToChat",
  explain: "hearth.explain",
  fix: "hearth.fix",
  fixWithInstruction: "hearth.fixWithInstruction",
  selectModel: "hearth.selectModel",
  setHuggingFaceToken: "hearth.setHuggingFaceToken",
  setRemoteApiKey: "hearth.setRemoteApiKey",
  suggestNextEdit: "hearth.nextEdit.suggest",
  jumpToOrAcceptNextEdit: "hearth.nextEdit.jumpOrAccept",
  dismissNextEdit: "hearth.nextEdit.dismiss",
} as const;
