/** An entry in someone's address book. Name and note are typed by a person, so encrypted. */
export type Contact = {
  id: string;
  ownerId: string;
  email: string;
  nameEnc: Uint8Array;
  noteEnc: Uint8Array | null;
  createdAt: Date;
  updatedAt: Date;
};

/** A named set of contacts to send to at once. */
export type ContactGroup = {
  id: string;
  ownerId: string;
  nameEnc: Uint8Array;
  memberIds: string[];
  createdAt: Date;
  updatedAt: Date;
};
